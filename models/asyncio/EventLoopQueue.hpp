#pragma once
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

namespace gilsim {

// The scheduling state of one asyncio event loop: tasks ready to run, and tasks waiting for a
// timer (an awaited I/O completion or asyncio.sleep). Ties on the same instant resolve in the
// order the waits began, as asyncio's heap of TimerHandles does.
class EventLoopQueue {
 public:
  void make_ready(int task) { ready_.push_back(task); }
  void wait_until(int task, double when) { timers_.push({when, sequence_++, task}); }

  bool idle() const { return ready_.empty() && timers_.empty(); }
  bool has_ready() const { return !ready_.empty(); }
  double next_timer() const { return timers_.top().when; }
  // Moves every task whose timer is due at `now` to the ready queue.
  void release_due(double now);
  int pop_ready();
  std::size_t ready_count() const { return ready_.size(); }

 private:
  struct Timer {
    double when;
    uint64_t sequence;
    int task;
    bool operator>(const Timer& other) const {
      return when != other.when ? when > other.when : sequence > other.sequence;
    }
  };
  std::deque<int> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  uint64_t sequence_ = 0;
};

}  // namespace gilsim
