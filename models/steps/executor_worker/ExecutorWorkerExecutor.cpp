#include "models/steps/executor_worker/ExecutorWorkerStep.hpp"

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `executor_worker` steps.

namespace gilsim {

// A ThreadPoolExecutor worker: takes blocking calls from the loop's queue, runs them (taking the
// process's GIL for their Python like any thread), and wakes the loop with the result.
void run_step(ThreadContext& thread, const ExecutorWorkerStep& step, int) {
  ExecutorLink& executor = *thread.world().executors.at(step.loop_thread);
  Message item;
  while (ChannelIo(thread).receive(executor.work_queue(), item)) {
    for (const Step& work : *item.work) thread.run_unrecorded(work);
    executor.completions().complete(item.task);
  }
}

}  // namespace gilsim
