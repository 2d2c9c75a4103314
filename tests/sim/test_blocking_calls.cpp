// Blocking calls against hand-computed timelines: what a call costs beyond its own latency.
#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

const char* const kFixture = "tests/fixtures/sleep_lateness.yaml";
// Thread ids in declaration order: sleeper/loop, io/loop, convoy/loop, convoy/cpu.
constexpr int kSleeper = 0, kIo = 1, kConvoyLoop = 2;

// "finish(sleeper) finish(io) period": the convoy loop's period is the time between the starts
// of its 10th and 11th sleeps (steady state: the first iterations depend on who started first).
std::vector<double> simulate_lateness(const std::vector<Override>& overrides) {
  Scenario scenario = load_variant(kFixture, "", overrides);
  std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
    std::vector<double> sleep_starts;
    for (const StateSpan& s : t.spans)
      if (s.thread == kConvoyLoop && s.state == ThreadState::Sleep) sleep_starts.push_back(s.start);
    std::ostringstream out;
    out.precision(17);
    out << t.finish_time[kSleeper] << " " << t.finish_time[kIo] << " " << sleep_starts.at(10) - sleep_starts.at(9);
    return out.str();
  }));
  std::vector<double> figures(3);
  for (double& f : figures) in >> f;
  return figures;
}

}  // namespace

TEST_CASE("time.sleep lasts its duration plus the timer slack, an io call its latency") {
  const std::vector<double> late = simulate_lateness({});
  // 100 sleeps of 1 ms, each fired 200 us late: 100 x 1.2 ms = 120 ms. With no Python between
  // them, the GIL re-takes cost nothing (nobody else wants it).
  CHECK_ABS(late[0], 0.120, 1e-9);
  // 100 io calls of 1 ms: 100 ms; an io latency is the peer's, measured, not a timer.
  CHECK_ABS(late[1], 0.100, 1e-9);
  // Beside a CPU-bound thread, each iteration is the sleep (1 ms + 200 us), then a timed wait for
  // the GIL (interval 5 ms + 200 us of slack), the holder's drop 5 us later (drop latency), and
  // the sleeper's wake-up (20 us): 6.425 ms; the tie jitter (under 1 ns per offset) aside.
  CHECK_ABS(late[2], 0.006425, 1e-8);

  // Negative control: with no timer slack, the sleeps are exactly 1 ms and the convoy period is
  // 1 ms + 5 ms + 5 us + 20 us = 6.025 ms; the checks above would fail by 20 ms and 0.4 ms.
  const std::vector<double> exact = simulate_lateness({{"runtime.gil.timer_slack", "0s", "--set runtime.gil.timer_slack=0s"}});
  CHECK_ABS(exact[0], 0.100, 1e-9);
  CHECK_ABS(exact[1], 0.100, 1e-9);
  CHECK_ABS(exact[2], 0.006025, 1e-8);

  // Under the EEVDF model the scheduler charges the wake-up itself: each sleep ends on an idle CPU
  // that leaves its idle state machine.wakeup_idle later (the default curve: 50 us after 1 ms
  // idle), and the timer slack is not added on top: 100 x (1 ms + 50 us) = 105 ms, plus one
  // context switch (machine.context_switch, 4 us) when the thread is first placed, as for the io
  // loop, whose wake-ups are the same. (With the slack too it would be 125 ms.)
  const std::vector<double> eevdf = simulate_lateness({{"machine.scheduler", "eevdf", "--set machine.scheduler=eevdf"}});
  CHECK_ABS(eevdf[0], 0.105004, 1e-7);
  CHECK_ABS(eevdf[1], 0.105004, 1e-7);
}

TEST_CASE("an idle event loop's asyncio.sleep fires at the selector's millisecond resolution, late by the timer slack") {
  // Thread ids in declaration order: short/loop (sleeps of 0.1 ms), exact/loop (1 ms), io/loop.
  auto finishes = [](const std::vector<Override>& overrides) {
    Scenario scenario = load_variant("tests/fixtures/asyncio_sleep_resolution.yaml", "", overrides);
    std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
      std::ostringstream out;
      out.precision(17);
      out << t.finish_time[0] << " " << t.finish_time[1] << " " << t.finish_time[2];
      return out.str();
    }));
    std::vector<double> f(3);
    for (double& x : f) in >> x;
    return f;
  };
  const std::vector<double> fair = finishes({});
  // The task runs 101 steps of 10 us of Python (the step overhead) around its 100 awaits. Each
  // sleep leaves the loop idle in epoll_wait with a timeout rounded up to 1 ms, fired 200 us
  // late: 100 x 1.2 ms + 1.01 ms = 121.01 ms, for 0.1 ms sleeps and 1 ms sleeps alike.
  CHECK_ABS(fair[0], 0.12101, 1e-7);
  CHECK_ABS(fair[1], 0.12101, 1e-7);
  // An awaited I/O completion wakes the selector at once: 100 x 0.1 ms + 1.01 ms = 11.01 ms.
  // (The model without the selector's resolution gave 11.01 and 101.01 ms for the sleeps.)
  CHECK_ABS(fair[2], 0.01101, 1e-7);

  // Under eevdf the timeout fires on time and the idle CPU's wake-up (50 us after 1 ms idle, the
  // default machine.wakeup_idle) stands for the lateness: 100 x 1.05 ms + 1.01 ms = 106.01 ms,
  // plus 4 us of context switch when the thread is first placed.
  const std::vector<double> eevdf = finishes({{"machine.scheduler", "eevdf", "--set machine.scheduler=eevdf"}});
  CHECK_ABS(eevdf[0], 0.106014, 1e-6);
  CHECK_ABS(eevdf[1], 0.106014, 1e-6);
}
