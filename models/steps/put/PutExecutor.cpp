#include "models/steps/put/PutStep.hpp"

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `put` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const PutStep& step, int) { ChannelIo(thread).put(step); }

// On one of the loop's asyncio.Queues (Lib/asyncio/queues.py): a put on a full queue waits for
// a free slot, then checks again. On a channel: a blocking call on the loop's thread.
bool run_in_loop(EventLoop& loop, const PutStep& step, int task) {
  ThreadContext& thread = loop.thread();
  AsyncioQueue* queue = loop.queue(step.channel);
  if (!queue) {
    ChannelIo(thread).put(step);
  } else {
    if (queue->full()) {
      queue->wait_to_put(task);
      loop.suspend(task, EventLoop::Wait::Put, step.channel);
      return false;
    }
    if (const int woken = queue->put(); woken >= 0) loop.make_ready(woken);
    thread.run_python(thread.runtime().asyncio.queue_op);
  }
  loop.cursor(task).advance();
  return true;
}

}  // namespace gilsim
