#include "sim/trace/Timeline.hpp"

namespace gilsim {

const char* state_name(ThreadState state) {
  switch (state) {
    case ThreadState::Python: return "python";
    case ThreadState::GilWait: return "gil-wait";
    case ThreadState::Io: return "io";
    case ThreadState::Native: return "native";
    case ThreadState::Sleep: return "sleep";
    case ThreadState::LockWait: return "lock-wait";
    case ThreadState::Wait: return "wait";
  }
  return "?";
}

}  // namespace gilsim
