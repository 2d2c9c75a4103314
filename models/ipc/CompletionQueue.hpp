#pragma once
#include <deque>

#include <simgrid/s4u.hpp>

namespace gilsim {

// Calls an executor (thread or process pool) completed for an event loop's tasks: the
// completion wakes the loop out of its selector wait (call_soon_threadsafe writes to the loop's
// self-pipe), and the loop makes the tasks ready. The woken loop runs `wake_latency` later, as
// any thread woken from a blocking wait does.
class CompletionQueue {
 public:
  explicit CompletionQueue(double wake_latency);

  void complete(int task);  // `task`'s call is done: the loop is woken
  // Waits, until `deadline` (infinity: no timer pending), for a completion; returns them.
  std::deque<int> wait_for_completions(double deadline);
  std::deque<int> take_completions();

 private:
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
  std::deque<int> done_;
  double wake_latency_;
};

}  // namespace gilsim
