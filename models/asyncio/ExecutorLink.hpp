#pragma once
#include <deque>

#include <simgrid/s4u.hpp>

#include "models/ipc/Channel.hpp"

namespace gilsim {

// An event loop's default ThreadPoolExecutor: the work queue its worker threads take blocking
// calls from, and the completions that wake the loop out of its selector wait.
class ExecutorLink {
 public:
  ExecutorLink();

  Channel& work_queue() { return work_; }
  void complete(int task);  // a worker finished `task`'s call: the loop is woken
  // Waits, until `deadline` (infinity: no timer pending), for a completion; returns them.
  std::deque<int> wait_for_completions(double deadline);
  std::deque<int> take_completions();

 private:
  Channel work_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
  std::deque<int> done_;
};

}  // namespace gilsim
