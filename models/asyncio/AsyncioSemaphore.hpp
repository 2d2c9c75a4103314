#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sim/util/HeldBy.hpp"

namespace gilsim {

// asyncio.Semaphore and asyncio.BoundedSemaphore as Lib/asyncio/locks.py (3.11) implements them,
// for tasks of one event loop. acquire() takes a unit at once only when locked() is false: the
// value is above 0 and no waiter's future is pending or done-but-not-yet-run (a new acquirer
// never jumps over waiters). Otherwise the task appends a future to the waiters (a deque: FIFO)
// and awaits it. release() increments the value and _wake_up_next() hands the unit to the first
// waiter whose future is not done: it decrements the value and sets the future, so the unit is
// that waiter's though it runs only later. The woken waiter, when it runs, leaves the waiters
// and, if the value is still above 0, wakes the next one.
class AsyncioSemaphore {
 public:
  AsyncioSemaphore(std::string name, int64_t value, bool bounded);

  const std::string& name() const { return name_; }
  // True when `task` holds a unit without waiting; false when it is now a waiter.
  bool acquire(int task);
  // The woken waiter runs: it leaves the waiters and holds its unit. Returns a further waiter
  // it wakes (-1: none).
  int take(int task);
  // Returns the waiter whose future it sets (-1: none). A BoundedSemaphore released above its
  // initial value raises ValueError; the loader refuses such programs (a broken invariant here).
  int release(int task);
  // "asyncio.Semaphore(2) held by a, b" (names by task), for deadlock reports.
  template <class Name>
  std::string describe(Name name_of) const;

 private:
  struct Waiter {
    int task;
    bool done;  // its future has a result: it holds a unit once it runs
  };
  int wake_up_next();

  std::string name_;
  int64_t initial_;
  int64_t value_;
  bool bounded_;
  std::deque<Waiter> waiters_;
  std::vector<int> holders_;
};

template <class Name>
std::string AsyncioSemaphore::describe(Name name_of) const {
  return std::string(bounded_ ? "asyncio.BoundedSemaphore(" : "asyncio.Semaphore(") +
                     std::to_string(initial_) + ") '" + name_ + "'" +
         held_by(holders_, name_of);
}

}  // namespace gilsim
