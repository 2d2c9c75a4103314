#include "models/steps/sleep/SleepStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include <simgrid/s4u.hpp>

// How a thread, and a coroutine, runs `sleep` steps.

namespace gilsim {

// time.sleep(d) is clock_nanosleep() on an hrtimer (Modules/timemodule.c, pysleep). On an idle
// CPU it returns late: the timer slack (prctl(2) PR_SET_TIMERSLACK, 50 us by default), a VM's
// timer delivery and the exit from idle; that is the lateness calibrated on a timed Lock.acquire
// (runtime.gil.timer_slack), the same hrtimer path as the GIL's timed wait. Fair sharing has no
// CPU states to wake from, so a sleep lasts its duration plus that whole lateness. Under
// the EEVDF model the scheduler charges the idle exit itself (machine.wakeup_idle) and a timer
// firing on a busy CPU is on time (the convoy's runs confined to one busy CPU: a 1 ms sleep and
// a 0.1 ms GIL wait took 1.29 ms), so the sleep is exactly its duration there.
// An `io` step is not a timer: its latency is the peer's, as measured.
void run_step(ThreadContext& thread, const SleepStep& step, int) {
  const double lateness = thread.machine().scheduled() ? 0.0 : thread.runtime().gil.timer_slack;
  const double seconds = step.latency.sample(thread.rng()) + lateness;
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
