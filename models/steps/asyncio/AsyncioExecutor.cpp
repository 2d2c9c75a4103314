#include "models/steps/asyncio/AsyncioStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `asyncio` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const AsyncioStep& step, int) { EventLoop(thread, step).run(); }

}  // namespace gilsim
