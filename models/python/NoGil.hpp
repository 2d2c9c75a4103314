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
  bool run_bytecode(int thread, double work, double&) override {
    machine_.run(thread, work);
    return true;
  }
};

}  // namespace gilsim
