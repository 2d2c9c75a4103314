#pragma once
#include "models/ipc/CompletionQueue.hpp"
#include "models/ipc/Channel.hpp"

namespace gilsim {

// An event loop's default ThreadPoolExecutor: the work queue its worker threads take blocking
// calls from, and the completions that wake the loop out of its selector wait.
class ExecutorLink {
 public:
  explicit ExecutorLink(double wake_latency) : work_("executor", ChannelKind::Queue, 1), completions_(wake_latency) {}

  Channel& work_queue() { return work_; }
  CompletionQueue& completions() { return completions_; }

 private:
  Channel work_;
  CompletionQueue completions_;
};

}  // namespace gilsim
