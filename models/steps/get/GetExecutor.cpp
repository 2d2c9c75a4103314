#include "models/steps/get/GetStep.hpp"

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `get` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const GetStep& step, int) { ChannelIo(thread).get(step); }

// On one of the loop's asyncio.Queues: a get on an empty queue waits for an item. On a channel:
// a blocking call that stalls the loop.
bool run_in_loop(EventLoop& loop, const GetStep& step, int task) {
  AsyncioQueue* queue = loop.queue(step.channel);
  if (!queue)
    ChannelIo(loop.thread()).get(step);
  else if (!loop.get(task, *queue))
    return false;
  return loop.step_done(task);
}

}  // namespace gilsim
