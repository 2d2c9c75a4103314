#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/asyncio/AsyncioLock.hpp"
#include "models/asyncio/AsyncioQueue.hpp"
#include "models/asyncio/AsyncioSemaphore.hpp"
#include "models/asyncio/CoroutineCursor.hpp"
#include "models/asyncio/EventLoopQueue.hpp"
#include "models/runtime/LoopRequests.hpp"
#include "models/runtime/ThreadContext.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

class CompletionQueue;
class ExecutorLink;
class ProcessPoolExecutor;

// Thrown when tasks of an event loop wait for each other and can never finish (asyncio.run()
// would hang): `blocked` names them and what each waits for.
struct LoopDeadlock {
  std::string blocked;
};

// One asyncio.run() of an asyncio step on a Python thread, as BaseEventLoop._run_once runs it:
// every task that was ready when an iteration began runs until its next await, paying the loop's
// per-step overhead; with nothing ready, the loop waits in the selector with the GIL released
// until a timer is due or an executor completes a call. Tasks are state machines here, not
// actors: a task is a cursor in its coroutine's program. What a step does in a coroutine is its
// kind's run_in_loop (models/steps/<kind>/<Kind>Executor.cpp), through the methods below.
class EventLoop {
 public:
  enum class Wait { None, Timer, Executor, Lock, Get, Put, Closed, Semaphore };

  EventLoop(ThreadContext& thread, const AsyncioStep& step);
  void run();  // returns when every task has returned; throws LoopDeadlock when some never can

  ThreadContext& thread() { return thread_; }
  CoroutineCursor& cursor(int task) { return tasks_[task].cursor; }
  // The current step is done: the task moves past it, and runs on unless it awaits.
  bool step_done(int task);
  // The task awaits: it leaves the ready queue until what it waits for (`on`: a lock or queue
  // name) wakes it.
  void suspend(int task, Wait wait, const std::string& on = "");
  void wait_timer(int task, double until);  // awaits a timer (asyncio.sleep: call_later)
  void wait_io(int task, double until);     // awaits an I/O completion (a ready file descriptor)
  void make_ready(int task);
  // The loop's asyncio.Lock of that name (created at its first use).
  AsyncioLock& lock(const std::string& name);
  // One of the loop's asyncio.Semaphores (its asyncio step's `semaphores`).
  AsyncioSemaphore& semaphore(const std::string& name) { return semaphores_.at(name); }
  // One of the loop's asyncio.Queues, or nullptr for a name of workload.channels.
  AsyncioQueue* queue(const std::string& name);
  // queue.get() by `task`: false when it waits for an item (or for ever: a closed queue).
  bool get(int task, AsyncioQueue& queue);
  // run_in_executor: hands `work` to the loop's executor (a ProcessPoolExecutor or the loop's
  // ThreadPoolExecutor); the task waits for the result.
  void offload(int task, const RunInExecutorStep& step);

 private:
  struct Task {
    const CoroutineSpec* coroutine;
    int64_t index;  // among its coroutine's count
    CoroutineCursor cursor;
    Wait wait = Wait::None;
    std::string on;  // the lock or queue waited for
    bool done = false;
  };

  void resume(int task);
  // Runs `step` of `task`; false when the task awaits (it leaves the ready queue).
  bool run_step(int task, const Step& step);
  void finish(int task);
  std::string describe_blocked() const;
  // When the loop, with nothing ready, leaves the selector: its next event, or its next timer
  // as the selector's millisecond timeout lets it fire.
  double selector_wake(double now) const;
  std::string name_of(int task) const;  // name[i], or the name alone when count is 1
  // A ready task's step starts `lag` seconds after it became ready (Timeline::loop_lags).
  void record_lag(double lag);

  ThreadContext& thread_;
  const AsyncioStep& step_;
  EventLoopQueue queue_;
  std::vector<Task> tasks_;
  std::map<std::string, AsyncioLock> locks_;
  std::map<std::string, AsyncioQueue> queues_;
  std::map<std::string, AsyncioSemaphore> semaphores_;
  LoopRequests requests_;                   // the tasks that handle requests of workload.requests
  std::map<const RequestSource*, int> first_request_task_;  // per source: the task of its request 0
  ExecutorLink* executor_ = nullptr;        // the loop's ThreadPoolExecutor, or
  ProcessPoolExecutor* pool_ = nullptr;     // the thread's ProcessPoolExecutor
  CompletionQueue* completions_ = nullptr;  // ... which wakes the loop when a call is done
  int64_t offloaded_ = 0;                   // tasks waiting for an executor's result
  double created_ = 0;                      // when run() created the tasks (asyncio.gather)
  int lag_entry_ = -1;                      // the thread's entry of Timeline::loop_lags, once known
};

}  // namespace gilsim
