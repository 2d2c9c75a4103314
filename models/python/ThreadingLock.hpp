#pragma once
#include <string>

#include <simgrid/s4u.hpp>

#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// threading.Lock as CPython implements it on Linux: a POSIX semaphore (multiprocessing.Lock is
// one too). release() wakes one waiter, which needs a wake-up latency to run; the releasing
// thread keeps running and may take the lock back first (barging), as a real semaphore allows.
class ThreadingLock {
 public:
  ThreadingLock(std::string name, WakeupCurve wakeup);

  const std::string& name() const { return name_; }
  int holder() const { return holder_; }
  bool try_acquire(int thread);
  void acquire_blocking(int thread);  // returns holding the lock
  void release(int thread);

 private:
  std::string name_;
  WakeupCurve wakeup_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cond_;
  int holder_ = -1;
  int releaser_ = -1;
};

}  // namespace gilsim
