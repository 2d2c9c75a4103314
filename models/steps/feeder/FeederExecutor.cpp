#include "models/steps/feeder/FeederStep.hpp"

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/ProcessPoolRoles.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `feed` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const FeederStep& step, int) {
  if (step.pool_owner >= 0) {
    ProcessPoolRoles(thread).feed(step);
    return;
  }
  PythonWorld& world = thread.world();
  ChannelIo(thread).feed_pipe(world.feeder_buffer(thread.process_index(), step.channel), *world.pipe(step.channel));
}

}  // namespace gilsim
