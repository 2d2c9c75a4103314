#include "models/asyncio/AsyncioSemaphore.hpp"

#include <algorithm>
#include <stdexcept>

namespace gilsim {

AsyncioSemaphore::AsyncioSemaphore(std::string name, int64_t value, bool bounded)
    : name_(std::move(name)), initial_(value), value_(value), bounded_(bounded) {}

bool AsyncioSemaphore::acquire(int task) {
  // locked(): `self._value == 0 or any(not w.cancelled() for w in self._waiters)`; no future is
  // ever cancelled here, so any waiter at all makes it locked.
  if (value_ > 0 && waiters_.empty()) {
    --value_;
    holders_.push_back(task);
    return true;
  }
  waiters_.push_back({task, false});
  return false;
}

int AsyncioSemaphore::take(int task) {
  // `finally: self._waiters.remove(fut)`, then `if self._value > 0: self._wake_up_next()`.
  auto it = std::find_if(waiters_.begin(), waiters_.end(), [&](const Waiter& w) { return w.task == task; });
  if (it != waiters_.end()) waiters_.erase(it);
  holders_.push_back(task);
  return value_ > 0 ? wake_up_next() : -1;
}

int AsyncioSemaphore::release(int task) {
  if (bounded_ && value_ >= initial_)
    throw std::logic_error("asyncio.BoundedSemaphore '" + name_ + "' released too many times (the loader should refuse this)");
  auto held = std::find(holders_.begin(), holders_.end(), task);
  if (held != holders_.end()) holders_.erase(held);
  ++value_;
  return wake_up_next();
}

int AsyncioSemaphore::wake_up_next() {
  for (Waiter& w : waiters_)
    if (!w.done) {  // "Wake up the first waiter that isn't done."
      --value_;
      w.done = true;
      return w.task;
    }
  return -1;
}

}  // namespace gilsim
