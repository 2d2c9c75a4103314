#pragma once
#include <deque>
#include <string>

namespace gilsim {

// asyncio.Lock as Lib/asyncio/locks.py implements it (3.11), for tasks of one event loop:
// acquire() takes the lock at once only when it is free and nobody waits; otherwise the task
// waits in FIFO order. release() wakes the first waiter, which takes the lock when it runs: a
// task that tries to acquire meanwhile finds a waiter and queues behind it (no barging).
class AsyncioLock {
 public:
  explicit AsyncioLock(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  int holder() const { return holder_; }  // the task that acquired it last (-1: unlocked)
  // True when `task` acquired it without waiting; false when it is now a waiter.
  bool acquire(int task);
  // The woken first waiter runs: it leaves the waiters and holds the lock.
  void take(int task);
  // Unlocks; returns the waiter to wake, or -1.
  int release();

 private:
  std::string name_;
  bool locked_ = false;
  int holder_ = -1;
  std::deque<int> waiters_;
  bool first_woken_ = false;  // the first waiter's future is done; it has not run yet
};

}  // namespace gilsim
