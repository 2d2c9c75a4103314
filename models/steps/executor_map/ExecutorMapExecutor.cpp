#include "models/steps/executor_map/ExecutorMapStep.hpp"

#include "models/runtime/ProcessPoolRoles.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `executor_map` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const ExecutorMapStep& step, int) { ProcessPoolRoles(thread).map(step); }

}  // namespace gilsim
