// threading.Semaphore / BoundedSemaphore and asyncio.Semaphore (README "Semaphores"), against
// hand-computed figures, each with a negative control.
#include <doctest/doctest.h>

#include <stdexcept>

#include "models/asyncio/AsyncioSemaphore.hpp"
#include "tests/sim/SimTestSupport.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

const char* const kThreadPool = "tests/fixtures/semaphore_pool.yaml";
const char* const kLoopPool = "tests/fixtures/asyncio_semaphore_pool.yaml";
const char* const kFairness = "tests/fixtures/semaphore_fairness.yaml";

double makespan(const std::string& file, const std::string& variant, const std::vector<Override>& overrides = {}) {
  return simulate_summary(load_variant(file, variant, overrides)).makespan;
}

}  // namespace

TEST_CASE("threading.Semaphore(2): 8 threads' 10 ms I/O calls run two at a time, plus the semaphore's Python") {
  // a = 20 us per acquire, r = 4 us per release, w = 10 us per Condition.wait (half before the
  // block, half after), L = 50 us per wake-up (GIL hand-over or semaphore waiter), no jitter.
  // The first thread takes the GIL at 0 and its acquire runs to 20 us, when its I/O drops the GIL;
  // the second has it L later and starts its I/O at 2a + L = 90 us. The other six find the value 0
  // and block (a + w/2 each, all before 0.6 ms). The two holders are two lanes 70 us apart: each
  // I/O's end runs release (r) and notify wakes the first waiter, which runs L later and, after
  // the second half of its wait (w/2), starts its I/O: r + L + w/2 = 59 us per hand-over, and the
  // lanes never want the GIL at once. The second lane's last thread ends at
  //   90 us + 4 x 10 ms + 3 x 59 us + 4 us = 40.271 ms.
  CHECK(makespan(kThreadPool, "") == doctest::Approx(40.271e-3).epsilon(1e-9));
  // Negative control: without the semaphore's Python, only the wake-ups remain:
  //   L + 4 x 10 ms + 3 x L = 40.200 ms.
  CHECK(makespan(kThreadPool, "", {parse_override("runtime.semaphores={acquire: 0s, release: 0s, wait: 0s}")}) ==
        doctest::Approx(40.200e-3).epsilon(1e-9));
  // Negative control: Semaphore(8) bounds nothing. Thread k starts its I/O at a + k (a + L); the
  // last at 20 + 7 x 70 = 510 us, and ends 10 ms later with its release: 10.514 ms.
  CHECK(makespan(kThreadPool, "", {parse_override("workload.semaphores[0].value=8")}) ==
        doctest::Approx(10.514e-3).epsilon(1e-9));
}

TEST_CASE("asyncio.Semaphore(2): 8 tasks' awaited 10 ms I/O calls run two at a time, plus the loop's costs") {
  // s = 15 us per task step, o = 1 us per semaphore operation; times after each 10 ms round:
  //  round 1: task0 runs to s+o and awaits its I/O, task1 to 2s+2o; the others wait.
  //  task0's I/O ends at s+o: its step (s, release o) hands the unit to task2, which runs in the
  //    next iteration (s) and awaits its I/O at 3s+2o; task1's completion (2s+2o, due meanwhile)
  //    runs after it, a call_soon callback before I/O events: task1 to 4s+3o, task3's I/O at 5s+3o.
  //  round 2: task4's I/O at 5s+3o, task5's at 7s+4o (task3 ends exactly when task4's step does);
  //  round 3: task6's I/O at 7s+4o, task7's at 9s+5o;
  //  round 4: task7 ends at 9s+5o + s+o.
  // 40 ms + 10s + 6o = 40.156 ms.
  CHECK(makespan(kLoopPool, "") == doctest::Approx(40.156e-3).epsilon(1e-9));
  // Negative control: without the loop's costs, exactly the four rounds.
  CHECK(makespan(kLoopPool, "", {parse_override("runtime.asyncio={task_step_overhead: 0s, semaphore_op: 0s}")}) ==
        doctest::Approx(40e-3).epsilon(1e-9));
  // Negative control: Semaphore(8): every I/O starts in the first iteration, task k's at
  // (k+1)(s+o), and their ends are handled s+o each: 10 ms + 9 (s+o) = 10.144 ms.
  CHECK(makespan(kLoopPool, "", {parse_override("workload.processes[0].threads[0].program[0].asyncio.semaphores[0].value=8")}) ==
        doctest::Approx(10.144e-3).epsilon(1e-9));
}

TEST_CASE("a releaser takes a threading.Semaphore back before its woken waiter runs, where an asyncio.Semaphore hands it over") {
  // `again` holds Semaphore(1) around 10 ms of I/O twice in a row; `other` asks for it at about
  // 1 ms, then holds it around 30 ms of I/O and does 100 ms of I/O after it. No Python costs.
  //  threads: at 10 ms `again` releases (waking `other`, which runs 50 us later) and acquires
  //    again at once: the value is 1, nobody took it. `other` wakes at 10.05 ms, finds 0 and waits
  //    again. At 20 ms `again` releases for good; `other` runs at 20.05 ms: 20.05 + 30 + 100 =
  //    150.05 ms.
  //    (Negative control: a threading.Semaphore that handed the unit to its woken waiter, as the
  //    asyncio variant below does, would give 10.05 + 30 + 100 = 140.05 ms.)
  CHECK(makespan(kFairness, "threads") == doctest::Approx(150.05e-3).epsilon(1e-9));
  //  asyncio: release() hands the unit to `other` (a done future), so `again`'s next acquire finds
  //    a waiter and queues behind it: `other` holds it 10-40 ms, then does its 100 ms: 140 ms.
  CHECK(makespan(kFairness, "asyncio") == doctest::Approx(140e-3).epsilon(1e-9));
}

TEST_CASE("threads that take two semaphores in opposite orders are reported as a deadlock naming the holders") {
  CHECK(simulation_error("tests/fixtures/semaphore_order_deadlock.yaml") ==
        "deadlock: 2 thread(s) can never finish:\n"
        "  app/first: waiting for semaphore 'b', BoundedSemaphore(1) held by second\n"
        "  app/second: waiting for semaphore 'a', Semaphore(1) held by first");
}

TEST_CASE("asyncio.Semaphore: FIFO hand-over, no barging, and a BoundedSemaphore refuses an over-release") {
  AsyncioSemaphore semaphore("db", 1, true);
  CHECK(semaphore.acquire(0));        // value 1 -> 0
  CHECK_FALSE(semaphore.acquire(1));  // waits
  CHECK_FALSE(semaphore.acquire(2));  // waits behind 1
  CHECK(semaphore.release(0) == 1);   // the unit goes to the first waiter ...
  CHECK_FALSE(semaphore.acquire(3));  // ... so a new acquirer queues even before 1 has run
  CHECK(semaphore.take(1) == -1);     // 1 runs: the value is 0, nobody else is woken
  CHECK(semaphore.release(1) == 2);   // FIFO: 2, then 3
  CHECK(semaphore.take(2) == -1);
  CHECK(semaphore.release(2) == 3);
  CHECK(semaphore.take(3) == -1);
  CHECK(semaphore.release(3) == -1);  // value back to 1
  // BoundedSemaphore.release() above the initial value raises ValueError in CPython; the loader
  // refuses such programs, so the model treats it as a broken invariant.
  CHECK_THROWS_AS(semaphore.release(3), std::logic_error);
  AsyncioSemaphore unbounded("db", 1, false);
  CHECK(unbounded.release(0) == -1);  // a plain Semaphore just counts up (value 2)
  CHECK(unbounded.acquire(0));
  CHECK(unbounded.acquire(1));
}
