#include "models/steps/native/NativeStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `native` steps.

namespace gilsim {

// GIL-releasing native code, on as many cores as it has internal threads.
void run_step(ThreadContext& thread, const NativeStep& step, int) {
  const double released = thread.runtime().native_gil_released;
  if (released < 1) {
    // Only under a validation control: the held part is C code that keeps the GIL without
    // checking for drop requests.
    thread.run_bytecode(step.seconds * (1 - released), false);
    if (released <= 0) return;
  }
  thread.add_work_to_baseline(step.seconds * released);
  thread.without_gil(ThreadState::Native,
                     [&] { thread.machine().run_parallel(thread.id(), step.seconds * released, step.threads); });
}

// A blocking call inside a coroutine: the loop stalls, but the GIL is released.
bool run_in_loop(EventLoop& loop, const NativeStep& step, int task) {
  run_step(loop.thread(), step, task);
  return loop.step_done(task);
}

}  // namespace gilsim
