#include "models/steps/io/IoStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include <simgrid/s4u.hpp>

// How a thread, and a coroutine, runs `io` steps.

namespace gilsim {

// A blocking call: the GIL is released for the latency (Py_BEGIN_ALLOW_THREADS) and taken back.
void run_step(ThreadContext& thread, const IoStep& step, int) {
  const double latency = step.latency.sample(thread.rng());
  thread.add_to_baseline(latency);
  thread.without_gil(ThreadState::Io, [&] { thread.blocked_sleep(latency); });
}

// Awaited: the task waits for its completion (its socket becomes readable) while the loop runs
// others.
bool run_in_loop(EventLoop& loop, const IoStep& step, int task) {
  ThreadContext& thread = loop.thread();
  const double latency = step.latency.sample(thread.rng());
  thread.add_to_baseline(latency);
  loop.wait_io(task, simgrid::s4u::Engine::get_clock() + latency);
  return loop.step_done(task);
}

}  // namespace gilsim
