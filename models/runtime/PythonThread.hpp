#pragma once
#include "models/python/Gil.hpp"
#include "models/runtime/PythonWorld.hpp"
#include "models/runtime/ThreadContext.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// One Python thread (one SimGrid actor): takes its process's GIL, runs its program of steps on
// its ThreadContext, and ends as CPython's thread does (the GIL released for the last time).
class PythonThread {
 public:
  PythonThread(int id, const ThreadSpec& spec, Gil& gil, PythonWorld& world, Rng rng);

  bool finished() const { return finished_; }
  // What the thread is blocked on, for deadlock reports ("" when not blocked on a lock).
  const std::string& blocked_on() const { return context_.blocked_on(); }

  void operator()();

 private:
  // The thread can never go on: it stops here, and the end-of-run check reports it as blocked.
  void stop_blocked(const std::string& what);

  const ThreadSpec& spec_;
  ThreadContext context_;
  bool finished_ = false;
};

}  // namespace gilsim
