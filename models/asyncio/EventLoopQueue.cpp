#include "models/asyncio/EventLoopQueue.hpp"

#include <limits>

namespace gilsim {

double EventLoopQueue::next_event() const {
  return events_.empty() ? std::numeric_limits<double>::infinity() : events_.top().when;
}

double EventLoopQueue::next_timer() const {
  return timers_.empty() ? std::numeric_limits<double>::infinity() : timers_.top().when;
}

void EventLoopQueue::release_due(double now) {
  for (;;) {
    const bool event_due = !events_.empty() && events_.top().when <= now;
    const bool timer_due = !timers_.empty() && timers_.top().when <= now;
    if (!event_due && !timer_due) return;
    Heap& first = event_due && (!timer_due || timers_.top() > events_.top()) ? events_ : timers_;
    ready_.push_back({first.top().task, first.top().when});
    first.pop();
  }
}

EventLoopQueue::Ready EventLoopQueue::pop_ready() {
  const Ready ready = ready_.front();
  ready_.pop_front();
  return ready;
}

}  // namespace gilsim
