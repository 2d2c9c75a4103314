#include "models/steps/pool_manager/PoolManagerStep.hpp"

#include "models/runtime/ProcessPoolRoles.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `executor_manager` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const PoolManagerStep& step, int) { ProcessPoolRoles(thread).manage(step); }

}  // namespace gilsim
