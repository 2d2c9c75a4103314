#include "models/asyncio/AsyncioLock.hpp"

namespace gilsim {

bool AsyncioLock::acquire(int task) {
  if (!locked_ && waiters_.empty()) {
    locked_ = true;
    holder_ = task;
    return true;
  }
  waiters_.push_back(task);
  return false;
}

void AsyncioLock::take(int task) {
  waiters_.pop_front();  // the woken waiter is the first (release wakes no other)
  first_woken_ = false;
  locked_ = true;
  holder_ = task;
}

int AsyncioLock::release() {
  locked_ = false;
  holder_ = -1;
  if (waiters_.empty() || first_woken_) return -1;  // _wake_up_first: only a future not yet done
  first_woken_ = true;
  return waiters_.front();
}

}  // namespace gilsim
