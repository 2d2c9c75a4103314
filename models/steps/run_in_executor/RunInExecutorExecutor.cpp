#include "models/steps/run_in_executor/RunInExecutorStep.hpp"

#include "models/runtime/EventLoop.hpp"

// How a thread's event loop runs `run_in_executor` steps.

namespace gilsim {

// Never in a thread's program: the loader keeps run_in_executor in coroutines.
bool run_in_loop(EventLoop& loop, const RunInExecutorStep& step, int task) {
  loop.offload(task, step);
  return loop.step_done(task);
}

}  // namespace gilsim
