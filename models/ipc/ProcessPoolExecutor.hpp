#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/ipc/CompletionQueue.hpp"
#include "models/ipc/Channel.hpp"
#include "models/ipc/Pipe.hpp"
#include "sim/scenario/IpcConfig.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// One call handed to a process pool: fn(*args) for `count` tasks (a map() chunk), each running
// `work`, with the pickled arguments and result of one task.
struct PoolCall {
  const std::vector<Step>* work = nullptr;
  int64_t count = 1;
  Payload payload;
  int task = -1;  // the asyncio task awaiting the call (-1: a map()'s call)
};

// The shared state of one concurrent.futures.ProcessPoolExecutor, as Lib/concurrent/futures/
// process.py (3.11) keeps it: the pending work items and the work-id queue submit() fills, the
// call queue (a multiprocessing.Queue of max_workers + EXTRA_QUEUED_CALLS items, pickled and
// written by its feeder thread), the result queue (a SimpleQueue the workers write), the
// manager thread's wake-ups, the idle-worker semaphore and the worker processes. The costs are
// paid by the threads that play each role (ProcessPoolRoles).
class ProcessPoolExecutor {
 public:
  static constexpr int kExtraQueuedCalls = 1;  // EXTRA_QUEUED_CALLS

  // `workers`: the process instances its worker processes may be, in start order. A thread
  // woken from a future's condition or a join runs `wake_latency` later; the manager woken by a
  // submit's write to its wake-up pipe, after the pipe wake-up for the time it was blocked.
  ProcessPoolExecutor(const ProcessPoolSpec& spec, std::vector<int> workers, double wake_latency, const IpcConfig& ipc);

  const ProcessPoolSpec& spec() const { return spec_; }
  // A copy: a submit() from another thread (an event loop's task) may grow the table while the
  // caller blocks, which would leave a reference dangling.
  PoolCall call(int future) const { return calls_[static_cast<std::size_t>(future)]; }

  // Caller side. submit(): the work item and its id queued, the manager woken; the future's id.
  int submit(const PoolCall& call);
  // The processes this submit starts, after it: all of them at the first submit with fork
  // (_launch_processes), else one unless an idle worker is counted (_adjust_process_count).
  std::vector<int> processes_to_start();
  bool done(int future) const { return done_[static_cast<std::size_t>(future)]; }
  void wait_done(int future);
  void shutdown();  // shutdown(): the flag, and a wake-up of the manager
  void wait_manager_exited();
  CompletionQueue& completions() { return completions_; }  // for an event loop's tasks
  bool used() const { return !calls_.empty(); }

  // Manager side.
  bool call_queue_full() const { return in_call_queue_ >= spec_.workers + kExtraQueuedCalls; }
  bool pop_work_id(int& future);
  void count_call_queued() { ++in_call_queue_; }
  Channel& call_buffer() { return call_buffer_; }  // the call queue's feeder buffer
  // Waits for a result or a wake-up; returns the future of the result it takes (-1: a wake-up
  // only). Clears the wake-ups, as _ThreadWakeup.clear() does.
  int wait_result_or_wakeup();
  void set_result(int future);
  void release_idle_worker() { ++idle_workers_; }
  bool shutting_down() const { return shutdown_; }
  bool pending() const { return finished_ < static_cast<int64_t>(calls_.size()); }
  const std::vector<int>& started() const { return started_; }
  std::vector<int> never_started() const;
  void wait_feeder_exited();
  void manager_exited();

  // Feeder side.
  Pipe& call_pipe() { return call_pipe_; }  // what the workers read
  void feeder_exited();

  // Worker side: call_queue.get() released the item's slot; result_queue.put() wrote a result.
  void call_taken() { --in_call_queue_; }
  void deliver_result(int future);

 private:
  ProcessPoolSpec spec_;
  std::vector<int> workers_;
  std::vector<int> started_;
  std::vector<PoolCall> calls_;
  std::vector<bool> done_;
  std::deque<int> work_ids_;
  std::deque<int> results_;
  int64_t finished_ = 0;
  int64_t wakeups_ = 0;
  int64_t idle_workers_ = 0;  // _idle_worker_semaphore
  int in_call_queue_ = 0;     // put on the call queue, not yet got by a worker
  bool shutdown_ = false;
  bool feeder_exited_ = false;
  bool manager_exited_ = false;
  double wake_latency_;
  WakeupCurve pipe_wakeup_;
  Channel call_buffer_;
  Pipe call_pipe_;
  CompletionQueue completions_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
};

}  // namespace gilsim
