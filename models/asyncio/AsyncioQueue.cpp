#include "models/asyncio/AsyncioQueue.hpp"

namespace gilsim {

int AsyncioQueue::wake_next(std::deque<int>& waiters) {
  if (waiters.empty()) return -1;
  const int task = waiters.front();  // _wakeup_next: popleft, set the future's result
  waiters.pop_front();
  return task;
}

int AsyncioQueue::put() {
  ++items_;
  return wake_next(getters_);
}

int AsyncioQueue::get() {
  --items_;
  return wake_next(putters_);
}

std::vector<int> AsyncioQueue::producer_returned() {
  if (--producers_ > 0) return {};
  std::vector<int> woken(getters_.begin(), getters_.end());
  getters_.clear();
  return woken;
}

}  // namespace gilsim
