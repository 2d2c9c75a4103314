#include "models/python/ThreadingSemaphore.hpp"

#include <algorithm>
#include <stdexcept>

namespace gilsim {

ThreadingSemaphore::ThreadingSemaphore(std::string name, int64_t value, bool bounded,
                                       std::unique_ptr<ThreadingLock> condition_lock)
    : name_(std::move(name)), initial_(value), value_(value), bounded_(bounded), condition_lock_(std::move(condition_lock)) {}

void ThreadingSemaphore::add_thread(int thread, std::unique_ptr<ThreadingLock> waiter_lock) {
  waiter_locks_.emplace(thread, std::move(waiter_lock));
}

bool ThreadingSemaphore::take(int thread) {
  if (value_ == 0) return false;
  --value_;
  holders_.push_back(thread);
  return true;
}

ThreadingLock& ThreadingSemaphore::enqueue(int thread) {
  ThreadingLock& waiter = waiter_lock(thread);
  waiter.try_acquire(thread);  // waiter = _allocate_lock(); waiter.acquire(): a new lock, free
  waiters_.push_back(thread);  // self._waiters.append(waiter)
  return waiter;
}

int ThreadingSemaphore::give(int thread) {
  if (bounded_ && value_ >= initial_)
    throw std::logic_error("BoundedSemaphore '" + name_ + "' released too many times (the loader should refuse this)");
  auto held = std::find(holders_.begin(), holders_.end(), thread);
  if (held != holders_.end()) holders_.erase(held);
  ++value_;
  if (waiters_.empty()) return -1;
  const int first = waiters_.front();  // notify(): waiters[0].release(), then removed
  waiters_.pop_front();
  return first;
}

}  // namespace gilsim
