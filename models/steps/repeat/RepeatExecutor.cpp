#include "models/steps/repeat/RepeatStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include "models/steps/StepTree.hpp"

// How a thread, and a coroutine, runs `repeat` steps.

namespace gilsim {

// The body's steps take the indices after the repeat's own.
void run_step(ThreadContext& thread, const RepeatStep& step, int index) {
  for (int64_t i = 0; i < step.count; ++i) thread.run_program(step.body, index + 1);
}

bool run_in_loop(EventLoop& loop, const RepeatStep& step, int task) {
  loop.cursor(task).enter(step);
  return true;
}

}  // namespace gilsim
