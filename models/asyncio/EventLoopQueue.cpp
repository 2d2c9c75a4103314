#include "models/asyncio/EventLoopQueue.hpp"

namespace gilsim {

void EventLoopQueue::release_due(double now) {
  while (!timers_.empty() && timers_.top().when <= now) {
    ready_.push_back(timers_.top().task);
    timers_.pop();
  }
}

int EventLoopQueue::pop_ready() {
  const int task = ready_.front();
  ready_.pop_front();
  return task;
}

}  // namespace gilsim
