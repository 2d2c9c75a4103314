// The seed scenarios against hand-computed expectations (derivations in each scenario's
// description and in README "Models"): locks and asyncio. The other seeds: test_seed_gil.cpp
// and test_seed_processes.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

TEST_CASE("lock contention: the lock serialises critical sections - under the GIL all Python is serialised anyway") {
  const char* file = "scenarios/seed/lock_contention.yaml";
  Summary gil = simulate_summary(load_variant(file, "gil"));
  Summary free_threaded = simulate_summary(load_variant(file, "free-threaded"));
  // 800 ms of Python on one GIL, plus a wake-up latency lost per hand-over.
  CHECK(gil.makespan > 0.8);
  CHECK(gil.makespan < 0.8 * 1.05);
  // Without a GIL only the 400 critical sections serialise (x 1.08 bytecode slowdown), plus the
  // last thread's 1 ms outside, plus one wake-up latency per contended hand-over of the lock.
  CHECK(free_threaded.makespan > 0.432);
  CHECK(free_threaded.makespan < 0.432 * 1.08);
  CHECK(free_threaded.state_total(ThreadState::LockWait) > 0.5);  // threads queue on the lock
}

// scenarios/seed/lock_convoy.yaml: two threads in a lock convoy from 1 ms on. A cycle of the
// convoy, from a release that wakes the sleeping waiter (the holder pays release_wake S1) to the
// next such release by the other thread, with a = 86 ns inside, b = 134 ns outside, w = 24.96 us
// (the 24.46 us wake-up plus the mean of its jitter below 1 us, for the lock's wake-ups and the
// GIL's alike), S0 = release_syscall:
//  - the holder runs on with period p0 (3.11: a + b + S0, every release a futex_wake since the
//    waiter is inside sem_wait; 3.13: a + b, nobody parked); the lock is free for a fraction q
//    of it (3.11: (S0 + b) / p0; 3.13: b / p0);
//  - the waiter wakes w later and wins the lock with probability q, else sleeps again until the
//    holder's next release (a/2 later on average), which wakes it (S1 again): D = w + (1/q - 1)
//    (a/2 + w) from the first wake-up to the acquisition;
//  - the holder's next acquire fails (in (S0 + b)/2 on average), it drops the GIL, the new holder
//    runs after its GIL wake-up w, and its first release (a later) begins the next cycle:
//    C = D + (S0 + b)/2 + w + a;
//  - increments per cycle: the holder's releases, less the time of its wake-up calls, plus the
//    new holder's first: I = (D - S1 - b - (1/q - 1)(S1 - S0)) / p0 + 1.
// 3.11 (S1 = 6.603 us, S0 = 132.4 ns): p0 = 0.3524 us, q = 0.756, D = 33.03 us, C = 58.21 us,
// I = 69.69: 0.8353 us per increment, 40,000 of them after the 1 ms log line and a wake-up:
// 1.025 ms + 33.41 ms = 34.44 ms.
// 3.13: p0 = 0.22 us, q = 0.609, D = 41.01 us, C = 66.12 us, I = 137.5: 0.4808 us per increment,
// 1.025 ms + 19.23 ms = 20.26 ms. The waiter's acquire never lasts the 1 ms that would make
// a PyMutex hand the lock over (D + w ~ 66 us).
// The retries are random (the jitter): the model above is a mean, so 10% either way.
TEST_CASE("lock convoy: 3.11's semaphore convoy is slower than 3.13's PyMutex one, as the cycle model says") {
  const char* file = "scenarios/seed/lock_convoy.yaml";
  const Summary py311 = simulate_summary(load_variant(file, "py311"));
  const Summary py313 = simulate_summary(load_variant(file, "py313"));
  CHECK_REL(py311.makespan, 34.44e-3, 0.10);
  CHECK_REL(py313.makespan, 20.26e-3, 0.10);
  // Alone: 40,000 x 220 ns + the 1 ms log line = 9.8 ms, the sequential baseline.
  CHECK_REL(py311.makespan * py311.speedup, 9.8e-3, 1e-6);
  // Negative control: without the futex_wake of releases whose waiter is awake (release_syscall
  // 0), the 3.11 cycle is 3.13's (p0 = a + b, q = b / p0, S1 per wake-up): 20.26 ms, not 34.44.
  const Summary no_syscall = simulate_summary(load_variant(file, "py311", {parse_override("runtime.locks.release_syscall=0s")}));
  CHECK_REL(no_syscall.makespan, 20.26e-3, 0.10);
  CHECK(no_syscall.makespan < 0.75 * py311.makespan);
}

TEST_CASE("lock convoy: a holder never preempted inside its critical section starts no convoy") {
  // The seed's loop without the log line, 200,000 increments per thread, with `counter += 1`
  // inside (no eval-breaker check): the holder is preempted only outside, so the lock never has
  // a waiter. 400,000 x 220 ns = 88 ms of Python, handed over every 5 ms + 187.5 us slack + 5 us
  // of drop latency + one wake-up (24.96 us on average), during which nobody runs: 88 ms /
  // 5.2175 ms = 16 hand-overs, 88 ms + 16 x 24.96 us = 88.40 ms, within 0.5%.
  const char* file = "scenarios/seed/lock_convoy.yaml";
  auto loop = [](const char* inside) {
    std::vector<Override> overrides;
    for (const char* thread : {"0", "1"})
      overrides.push_back(parse_override(std::string("workload.processes[0].threads[") + thread +
                                         "].program=[{repeat: {count: 200000, steps: [{lock: counter}, {cpu: " + inside +
                                         "}, {unlock: counter}, {cpu: 134ns}]}}]"));
    return overrides;
  };
  const Summary plain = simulate_summary(load_variant(file, "py311", loop("{time: 86ns, eval_breaker: false}")));
  CHECK_REL(plain.makespan, 88.40e-3, 0.005);
  CHECK(plain.state_total(ThreadState::LockWait) == 0);
  // Negative control: with a check inside (`counter = bump(counter)`) each of the 16 switches
  // lands inside the region with probability 86/220, so a convoy starts (the chance that none
  // does is 0.61^16 = 0.04%), and from then on it runs at 0.8353 us per increment (the cycle
  // model above): far more than 1.5x the plain run.
  const Summary convoy = simulate_summary(load_variant(file, "py311", loop("86ns")));
  CHECK(convoy.state_total(ThreadState::LockWait) > 0);
  CHECK(convoy.makespan > 1.5 * plain.makespan);
}

TEST_CASE("a thread blocked on a lock releases the GIL for the others") {
  Summary s = simulate_summary(load_variant("scenarios/seed/lock_releases_gil.yaml", ""));
  // cruncher's 200 ms run while holder is in I/O and waiter blocks on the lock; then waiter's
  // 50 ms once holder releases at 200 ms: 0.25 s plus latencies. At 1.05 ms (a 1 ms sleep and
  // its 50 us timer slack) waiter and cruncher both wake wanting the GIL and cruncher takes it,
  // so waiter calls lock() only after a switch interval: 1.05 ms + 5 ms + 50 us timer slack +
  // 5 us drop latency + 50 us wake-up = 6.155 ms; its lock() blocks at once and cruncher resumes
  // after its own 50 us wake-up, ending its 200 ms of Python at 201.15 ms. holder, back from I/O
  // at 200 ms, takes the GIL 50 us later (201.2 ms) and releases the lock, waiter wakes 50 us
  // later (201.25 ms) and runs 50 ms: 251.25 ms. Each of these 4 wake-ups carries a seeded tie
  // jitter under 1 us (runtime.gil.tie_jitter). (This check accepted +-25 ms.)
  CHECK_ABS(s.makespan, 0.25125, 4e-6);
  // waiter blocks on the lock from 6.155 ms to 201.25 ms: 195.095 ms. (This check said 199 ms,
  // from 1 ms, with a tolerance of +-12 ms.)
  const ThreadSummary& waiter = s.threads[1];
  CHECK_ABS(waiter.seconds[static_cast<int>(ThreadState::LockWait)], 0.195095, 4e-6);
}

TEST_CASE("a lock-order deadlock is reported with the blocked threads named, not a hang") {
  CHECK(simulation_error("tests/fixtures/lock_order_deadlock.yaml") == "deadlock: 2 thread(s) can never finish:\n  app/first: waiting for lock 'b' held by second\n"
                    "  app/second: waiting for lock 'a' held by first");
}

TEST_CASE("asyncio: awaited I/O overlaps, Python in coroutines runs on the loop one task at a time") {
  Summary s = simulate_summary(load_variant("scenarios/seed/http_requests.yaml", "asyncio"));
  // The loop never idles: 100 x (1 ms + 2 ms of Python + 2 steps x 15 us of loop overhead).
  CHECK(s.makespan == doctest::Approx(0.303).epsilon(1e-6));
  CHECK(s.gil_switches == 1);
  CHECK(s.threads.size() == 1);
}

TEST_CASE("asyncio: 20000 coroutines are state machines on one thread, and the loop becomes the bottleneck") {
  Summary s = simulate_summary(load_variant("scenarios/seed/asyncio_many_tasks.yaml", ""));
  CHECK(s.threads.size() == 1);
  CHECK(s.makespan == doctest::Approx(20000 * (15e-6 + 15e-6 + 50e-6)).epsilon(1e-6));
}

TEST_CASE("asyncio: the loop's per-step overhead is a parameter") {
  Summary s = simulate_summary(load_variant("scenarios/seed/asyncio_many_tasks.yaml", "",
                                            {parse_override("runtime.asyncio.task_step_overhead=0s")}));
  // Without overhead: 100 ms until the first task's I/O completes, then 20000 x 50 us of Python.
  CHECK(s.makespan == doctest::Approx(0.1 + 20000 * 50e-6).epsilon(1e-6));
}

TEST_CASE("asyncio with run_in_executor: blocking calls run on the loop's executor threads, like a thread pool") {
  const char* file = "scenarios/seed/http_requests.yaml";
  Summary pool = simulate_summary(load_variant(file, "threads-10"));
  Summary offloaded = simulate_summary(load_variant(file, "asyncio-threads-10"));
  // 100 blocking requests on 10 executor threads: the thread pool's time plus the loop's dispatch.
  CHECK(offloaded.makespan > pool.makespan);
  CHECK(offloaded.makespan < pool.makespan * 1.02);
  REQUIRE(offloaded.threads.size() == 11);  // the loop and its 10 executor threads
  CHECK(offloaded.threads[1].name == "MainThread-executor[0]");
  CHECK(offloaded.threads[1].seconds[static_cast<int>(ThreadState::Io)] == doctest::Approx(0.5).epsilon(1e-6));
}

TEST_CASE("run_in_executor uses ThreadPoolExecutor's default size, min(32, cpus + 4)") {
  Scenario s = load_variant("scenarios/seed/asyncio_many_tasks.yaml", "",
                            {parse_override("workload.processes[0].threads[0].program[0].asyncio.program=[{run_in_executor: [{io: 100ms}]}]")});
  Summary summary = simulate_summary(s);
  CHECK(summary.threads.size() == 1 + 8);  // 4 cores: 4 + 4 workers
  // 20000 calls of 100 ms on 8 threads: 2500 rounds of 100 ms, each with 5 us of the worker's
  // Python (its work-queue get): at least 250.0125 s. The workers also wait for the GIL: the loop
  // holds it while it submits the calls, so they start a switch interval apart (the last at
  // 41 ms), and later calls wait for its task steps: under 0.1 s more (57 ms). (This check
  // accepted +-0.25 s: 2499 rounds passed.)
  CHECK_ABS(summary.makespan, 250.0125 + 0.05, 0.05);
}
