#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/util/HeldBy.hpp"

#include "models/python/ThreadingLock.hpp"

namespace gilsim {

// threading.Semaphore and threading.BoundedSemaphore as Lib/threading.py (3.11) implements them:
// pure Python over a Condition(Lock()). Every method runs inside `with self._cond:`, the
// condition's threading.Lock (condition_lock()). acquire() loops `while self._value == 0:
// self._cond.wait()`, then decrements. Condition.wait() allocates a new lock, acquires it, appends
// it to the condition's waiters (a deque: FIFO), releases the condition's lock and acquires the
// new lock again, blocking with the GIL released until a notify() releases it; then it takes the
// condition's lock back and the loop tests the value again: a thread that took the condition's
// lock meanwhile may have taken the value first. release() increments and notify()s: it releases
// the first waiter's lock.
//
// This class holds the state the Python code keeps (the value, the waiters, the locks); the
// caller (models/steps/semaphore/) runs the Python around it, holding the condition's lock as
// the code does. Each thread's Condition.wait() lock is one ThreadingLock reused for every wait:
// a fresh lock each time in Python, acquired by its waiter before the wait, so the same.
class ThreadingSemaphore {
 public:
  ThreadingSemaphore(std::string name, int64_t value, bool bounded, std::unique_ptr<ThreadingLock> condition_lock);

  const std::string& name() const { return name_; }
  ThreadingLock& condition_lock() { return *condition_lock_; }
  // A thread that acquires it gets its Condition.wait() lock before the simulation runs.
  void add_thread(int thread, std::unique_ptr<ThreadingLock> waiter_lock);
  ThreadingLock& waiter_lock(int thread) { return *waiter_locks_.at(thread); }

  // The caller holds the condition's lock in all of these.
  // acquire()'s loop test: takes one unit of the value if there is one.
  bool take(int thread);
  // Condition.wait()'s first half: the thread's lock, acquired, appended to the waiters.
  ThreadingLock& enqueue(int thread);
  // release(): the value goes up; returns the waiter notify() wakes (-1: none waits), whose lock
  // the caller releases. A BoundedSemaphore released above its initial value raises ValueError
  // in CPython; the loader refuses such programs, so here it is a broken invariant.
  int give(int thread);

  // "Semaphore(2) held by a, b" (name_of(thread) names a thread), for deadlock reports.
  template <class Name>
  std::string describe(Name name_of) const;

 private:
  std::string name_;
  int64_t initial_;
  int64_t value_;
  bool bounded_;
  std::unique_ptr<ThreadingLock> condition_lock_;
  std::map<int, std::unique_ptr<ThreadingLock>> waiter_locks_;
  std::deque<int> waiters_;   // Condition._waiters: threads in Condition.wait(), first notified first
  std::vector<int> holders_;  // threads that acquired and have not released, in order
};

template <class Name>
std::string ThreadingSemaphore::describe(Name name_of) const {
  return std::string(bounded_ ? "BoundedSemaphore(" : "Semaphore(") + std::to_string(initial_) + ")" +
         held_by(holders_, name_of);
}

}  // namespace gilsim
