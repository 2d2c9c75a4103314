#include "models/steps/cpu/CpuStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `cpu` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const CpuStep& step, int) { thread.run_bytecode(step.seconds, step.eval_breaker); }

// In a coroutine the bytecode runs on the loop's thread and blocks the loop.
bool run_in_loop(EventLoop& loop, const CpuStep& step, int task) {
  ThreadContext& thread = loop.thread();
  thread.enter(ThreadState::Python);
  thread.run_bytecode(step.seconds, step.eval_breaker);
  return loop.step_done(task);
}

}  // namespace gilsim
