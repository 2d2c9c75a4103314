#pragma once
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

namespace gilsim {

// The scheduling state of one asyncio event loop: tasks ready to run, and tasks waiting for an
// instant. Two kinds of waits, because the selector treats them differently: an event (an
// awaited I/O completion, a request's arrival) makes a file descriptor ready and wakes
// epoll_wait at once, while a timer (asyncio.sleep's call_later) only bounds epoll_wait's
// timeout, which has a resolution of 1 ms (EventLoop::run). Ties on the same instant resolve in
// the order the waits began, as asyncio's heap of TimerHandles does. Each ready task keeps the
// instant it became ready (a due timer or event: its `when`), from which its event-loop lag counts.
class EventLoopQueue {
 public:
  struct Ready {
    int task;
    double since;  // when it became ready
  };
  void make_ready(int task, double now) { ready_.push_back({task, now}); }
  void wait_event(int task, double when) { events_.push({when, sequence_++, task}); }
  void wait_timer(int task, double when) { timers_.push({when, sequence_++, task}); }

  bool idle() const { return ready_.empty() && events_.empty() && timers_.empty(); }
  bool has_ready() const { return !ready_.empty(); }
  // The earliest event and the earliest timer; infinity when there is none.
  double next_event() const;
  double next_timer() const;
  // Moves every task whose event or timer is due at `now` to the ready queue, in (when, order
  // the waits began) order, ready since its `when`.
  void release_due(double now);
  Ready pop_ready();
  std::size_t ready_count() const { return ready_.size(); }

 private:
  struct Wake {
    double when;
    uint64_t sequence;
    int task;
    bool operator>(const Wake& other) const {
      return when != other.when ? when > other.when : sequence > other.sequence;
    }
  };
  using Heap = std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>>;
  std::deque<Ready> ready_;
  Heap events_;
  Heap timers_;
  uint64_t sequence_ = 0;
};

}  // namespace gilsim
