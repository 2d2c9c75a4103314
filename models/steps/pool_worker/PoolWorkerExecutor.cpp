#include "models/steps/pool_worker/PoolWorkerStep.hpp"

#include "models/runtime/ProcessPoolRoles.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `pool worker` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const PoolWorkerStep& step, int index) {
  ProcessPoolRoles(thread).work(step, index);
}

}  // namespace gilsim
