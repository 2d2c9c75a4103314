#pragma once
#include "models/python/Gil.hpp"

namespace gilsim {

// The free-threaded build (PEP 703): every thread runs bytecode whenever it has a core.
class NoGil final : public Gil {
 public:
  using Gil::Gil;
  void take(int) override {}
  void drop(int, bool) override {}
  void yield(int) override {}
  void run_python(int thread, double work, const StateChange& enter) override {
    enter(ThreadState::Python);
    machine_.run(thread, work);
  }
};

}  // namespace gilsim
