#include "models/steps/consume/ConsumeStep.hpp"

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include <simgrid/s4u.hpp>

// How a thread, and a coroutine, runs `consume` steps.

namespace gilsim {

// One step span per message received (the closing receive included), then the body's steps,
// which take the indices after the consume's own.
void run_step(ThreadContext& thread, const ConsumeStep& step, int index) {
  Message message;
  for (;;) {
    const double started = thread.begin_step(index);
    const bool got = ChannelIo(thread).receive(step.channel, message);
    thread.end_step(started);
    if (!got) return;
    thread.run_program(step.body, index + 1);
  }
}

// On one of the loop's asyncio.Queues, until it closes; on a channel, a blocking receive that
// stalls the loop each time.
bool run_in_loop(EventLoop& loop, const ConsumeStep& step, int task) {
  ThreadContext& thread = loop.thread();
  AsyncioQueue* queue = loop.queue(step.channel);
  bool got = false;
  if (!queue) {
    Message message;
    got = ChannelIo(thread).receive(step.channel, message);  // a pipe, a socket or a local channel
  } else if (!queue->closed()) {
    if (!loop.get(task, *queue)) return false;
    got = true;
  }
  if (got) {
    loop.cursor(task).enter(step);
    return true;
  }
  return loop.step_done(task);
}

}  // namespace gilsim
