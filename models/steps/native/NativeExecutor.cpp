#include "models/steps/native/NativeStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `native` steps.

namespace gilsim {

// GIL-releasing native code, on as many cores as it has internal threads.
void run_step(ThreadContext& thread, const NativeStep& step, int) {
  thread.add_work_to_baseline(step.seconds);
  thread.without_gil(ThreadState::Native, [&] { thread.machine().run_parallel(thread.id(), step.seconds, step.threads); });
}

// A blocking call inside a coroutine: the loop stalls, but the GIL is released.
bool run_in_loop(EventLoop& loop, const NativeStep& step, int task) {
  run_step(loop.thread(), step, task);
  return loop.step_done(task);
}

}  // namespace gilsim
