#include "models/steps/sleep/SleepStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include <simgrid/s4u.hpp>

// How a thread, and a coroutine, runs `sleep` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const SleepStep& step, int) {
  const double seconds = step.latency.sample(thread.rng());
  thread.add_to_baseline(seconds);
  thread.without_gil(ThreadState::Sleep, [&] { thread.blocked_sleep(seconds); });
}

// asyncio.sleep(): the task waits for a timer while the loop runs others.
bool run_in_loop(EventLoop& loop, const SleepStep& step, int task) {
  const double seconds = step.latency.sample(loop.thread().rng());
  loop.thread().add_to_baseline(seconds);
  loop.wait_timer(task, simgrid::s4u::Engine::get_clock() + seconds);
  return loop.step_done(task);
}

}  // namespace gilsim
