// Event-loop lag (README "Event-loop lag"): how late an event loop runs its ready task steps,
// against lags computed by hand, with a negative control.
#include <doctest/doctest.h>

#include "sim/trace/LoopLagStats.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

constexpr double kNs = 1e-9;  // the summary's --json has nanosecond resolution

const LoopLagStats& only_loop(const Summary& s) {
  REQUIRE(s.loop_lag.size() == 1);
  return s.loop_lag[0];
}

}  // namespace

TEST_CASE("a 5 ms callback makes a 1 ms timer's step 4 ms late, and the selector's timer slack is lag too") {
  // No loop overhead, timer slack 100 us (tests/fixtures/loop_lag.yaml). Ready at 0: ticker,
  // then blocker.
  //   ticker's first step   ready 0      runs 0       lag 0      (awaits sleep(1 ms): due at 1 ms)
  //   blocker               ready 0      runs 0       lag 0      (5 ms of Python: [0, 5) ms)
  //   ticker after sleep 1  due 1 ms     runs 5 ms    lag 4 ms   (the timer fell due during the 5 ms)
  //   ticker after sleep 2  due 6 ms     runs 6.1 ms  lag 0.1 ms (epoll_wait's 1 ms timeout, 100 us late)
  //   ticker after sleep 3  due 7.1 ms   runs 7.2 ms  lag 0.1 ms
  // Sorted 0, 0, 0.1, 0.1, 4 ms: mean 4.2 / 5 = 0.84 ms, p50 (3rd) 0.1 ms, p99 (5th) and max 4 ms.
  // A monitor coroutine (the ticker) would measure the same lateness: its sleeps took 5, 1.1 and
  // 1.1 ms for 1 ms asked.
  const LoopLagStats l = only_loop(simulate_summary(load_variant("tests/fixtures/loop_lag.yaml", "with-blocker")));
  CHECK(l.loop == "app/loop");
  CHECK(l.count == 5);
  CHECK_ABS(l.mean, 0.84e-3, kNs);
  CHECK_ABS(l.p50, 0.1e-3, kNs);
  CHECK_ABS(l.p99, 4e-3, kNs);
  CHECK_ABS(l.max, 4e-3, kNs);
}

TEST_CASE("without the blocking callback the loop's only lag is the timer slack (negative control)") {
  // ticker's first step at 0 (lag 0); sleeps due 1, 2.1, 3.2 ms run at 1.1, 2.2, 3.3 ms (lag
  // 0.1 ms each): mean 0.3 / 4 = 0.075 ms, max 0.1 ms; the 4 ms of the check above are gone.
  const LoopLagStats l = only_loop(simulate_summary(load_variant("tests/fixtures/loop_lag.yaml", "ticker-alone")));
  CHECK(l.count == 4);
  CHECK_ABS(l.mean, 0.075e-3, kNs);
  CHECK_ABS(l.p50, 0.1e-3, kNs);
  CHECK_ABS(l.max, 0.1e-3, kNs);
}

TEST_CASE("an event loop's request tasks are lagged from their arrival, and threads report no loop") {
  // tests/fixtures/requests_on_loop.yaml (no loop overhead): tasks arrive at 0, 1, 1, 2.5, 40 ms
  // and run 2 ms of Python, await 10 ms, run 1 ms. First steps: task 0 at 0 (lag 0), tasks 1, 2
  // at 2 and 4 ms (lags 1, 3), task 3 at 6 ms (3.5), task 4 at 40 ms (0). Their awaits end at
  // 12, 14, 16, 18 and 52 ms, each run at once: lag 0. Ten steps, lags summing 7.5 ms.
  const LoopLagStats l = only_loop(simulate_summary(load_variant("tests/fixtures/requests_on_loop.yaml", "")));
  CHECK(l.count == 10);
  CHECK_ABS(l.mean, 0.75e-3, kNs);
  CHECK_ABS(l.max, 3.5e-3, kNs);
  CHECK_ABS(l.p50, 0, kNs);  // the 5th of seven zeros, 1, 3 and 3.5 ms
  // A scenario without asyncio has no loop lag at all (nor a loop_lag entry in --json).
  CHECK(simulate_summary(load_variant("tests/fixtures/requests_from_file.yaml", "")).loop_lag.empty());
}
