#include "models/steps/process_join/ProcessJoinStep.hpp"

#include "models/runtime/ProcessLauncher.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `join` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const ProcessJoinStep& step, int) { join_process(thread, step.process); }

}  // namespace gilsim
