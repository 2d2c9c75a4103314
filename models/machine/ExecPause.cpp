#include "models/machine/ExecPause.hpp"

namespace gilsim {
namespace {

// The flag is private. Names used in an explicit template instantiation are exempt from access
// checking (C++17 [temp.explicit]/14), which is the standard-conforming way to reach it: the
// instantiation below defines suspended_flag() to return a pointer to the member.
using FlagPointer = bool simgrid::s4u::Activity::*;
FlagPointer suspended_flag();

template <FlagPointer Flag>
struct SuspendedFlagAccess {
  friend FlagPointer suspended_flag() { return Flag; }
};
template struct SuspendedFlagAccess<&simgrid::s4u::Activity::suspended_>;

}  // namespace

void pause_exec(simgrid::s4u::Exec& exec) { exec.suspend(); }

void resume_exec(simgrid::s4u::Exec& exec) {
  exec.resume();
  exec.*suspended_flag() = false;
}

}  // namespace gilsim
