#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/asyncio/AsyncioLock.hpp"
#include "models/asyncio/AsyncioQueue.hpp"
#include "models/asyncio/CoroutineCursor.hpp"
#include "models/asyncio/EventLoopQueue.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

class PythonThread;
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
// actors: a task is a cursor in its coroutine's program.
class EventLoop {
 public:
  EventLoop(PythonThread& thread, const AsyncioStep& step);
  void run();  // returns when every task has returned; throws LoopDeadlock when some never can

 private:
  enum class Wait { None, Timer, Executor, Lock, Get, Put, Closed };
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
  bool lock(int task, const LockStep& step);
  bool put(int task, const PutStep& step);
  // A get, or a consume's get; false when the task waits for an item.
  bool get(int task, AsyncioQueue& queue);
  void finish(int task);
  std::string describe_blocked() const;
  std::string name_of(int task) const;  // name[i], or the name alone when count is 1

  PythonThread& thread_;
  const AsyncioStep& step_;
  EventLoopQueue queue_;
  std::vector<Task> tasks_;
  std::map<std::string, AsyncioLock> locks_;
  std::map<std::string, AsyncioQueue> queues_;
  ExecutorLink* executor_ = nullptr;      // the loop's ThreadPoolExecutor, or
  ProcessPoolExecutor* pool_ = nullptr;   // the thread's ProcessPoolExecutor
  CompletionQueue* completions_ = nullptr;  // ... which wakes the loop when a call is done
  int64_t offloaded_ = 0;  // tasks waiting for an executor's result
};

}  // namespace gilsim
