// asyncio.Lock and asyncio.Queue in coroutines (README "asyncio"), against hand-computed values.
#include <doctest/doctest.h>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

const char* const kProducerConsumer = "scenarios/seed/asyncio_producer_consumer.yaml";

std::vector<Override> no_loop_overheads() {
  return {parse_override("runtime.asyncio.task_step_overhead=0s"), parse_override("runtime.asyncio.queue_op=0s"),
          parse_override("runtime.asyncio.lock_op=0s")};
}

std::string deadlock_of(const std::string& file) {
  Scenario scenario = load_variant(file, "");
  IsolatedResult r = run_isolated([&] {
    simulate(scenario, {});
    return std::string();
  });
  CHECK_FALSE(r.ok);
  return r.output;
}

}  // namespace

TEST_CASE("asyncio.Queue: a bounded queue makes the producer await, an unbounded one lets it run to the end first") {
  // Without the loop's Python costs, every time is a sum of the steps. The producer makes an item
  // (1 ms) and puts it; put() on a non-full queue does not yield to the loop.
  //  bounded (maxsize 5): the producer puts 5 items, makes the 6th and waits at 6 ms; the 4
  //    consumers each take one and await 40 ms; each time they take 4, the producer refills the
  //    queue (4 ms) while they wait. 100 items = 25 rounds: 6 ms + 25 x 40 ms = 1.006 s.
  //  unbounded: the producer makes all 100 items before any consumer runs: 100 ms + 1 s = 1.1 s.
  //  one-connection: the consumers hold asyncio.Lock 'db' around their I/O, so the 100 I/Os run
  //    one after another from 6 ms: 6 ms + 100 x 40 ms = 4.006 s.
  CHECK(simulate_summary(load_variant(kProducerConsumer, "bounded", no_loop_overheads())).makespan ==
        doctest::Approx(1.006).epsilon(1e-9));
  CHECK(simulate_summary(load_variant(kProducerConsumer, "unbounded", no_loop_overheads())).makespan ==
        doctest::Approx(1.1).epsilon(1e-9));
  CHECK(simulate_summary(load_variant(kProducerConsumer, "one-connection", no_loop_overheads())).makespan ==
        doctest::Approx(4.006).epsilon(1e-9));
}

TEST_CASE("asyncio.Queue and asyncio.Lock with the loop's costs: 15 us per task step, 2 us per queue op, 1 us per lock op") {
  Summary unbounded = simulate_summary(load_variant(kProducerConsumer, "unbounded"));
  // The producer's single step: 15 us + 100 x (1 ms + 2 us) = 100.215 ms. Consumer k then takes an
  // item (15 + 2 us) and starts its I/O at 100.215 + 17 (k + 1) us: consumer[3] at 100.283 ms. Each
  // of its 25 I/Os is followed by a step taking the next item (17 us), and the last by a step that
  // finds the queue closed (15 us): 100.283 + 25 x 40 + 24 x 0.017 + 0.015 = 1100.706 ms.
  CHECK(unbounded.makespan == doctest::Approx(1.100706).epsilon(1e-6));
  CHECK(unbounded.sequential == doctest::Approx(4.1).epsilon(1e-9));  // 100 x 1 ms + 100 x 40 ms
  CHECK(unbounded.gil_switches == 1);  // one thread: asyncio never releases the GIL to itself

  Summary one_connection = simulate_summary(load_variant(kProducerConsumer, "one-connection"));
  // The first I/O begins at 15 us + 5 x (1 ms + 2 us) + 1 ms (item 6) + 15 + 2 + 1 us = 6.043 ms.
  // Between two I/Os: the holder's step (15 us, release 1 us, get 2 us, acquire 1 us: it queues
  // behind the waiter it woke) and the woken waiter's step (15 us): 34 us. For the last three
  // hand-overs the queue is empty and closed (the other consumers already hold the last items),
  // so the holder's step ends after the release: 31 us. After the last I/O: 15 + 1 us.
  // 6.043 + 100 x 40 + 96 x 0.034 + 3 x 0.031 + 0.016 = 4009.416 ms.
  CHECK(one_connection.makespan == doctest::Approx(4.009416).epsilon(1e-6));

  Summary bounded = simulate_summary(load_variant(kProducerConsumer, "bounded"));
  // 1.006 s as above, plus the loop's costs and one delay: in the second round each consumer's
  // get wakes the producer, whose refill of one item (15 + 2 us + 1 ms) runs before the next
  // consumer's due I/O completion (call_soon callbacks run before timers that fell due), so the
  // consumers end up about 1 ms apart and the last finishes about 3 ms later: ~1.009 s.
  CHECK(bounded.makespan > 1.009);
  CHECK(bounded.makespan < 1.010);
  CHECK(bounded.makespan < unbounded.makespan);
}

TEST_CASE("asyncio: tasks that wait for each other's locks are reported as a deadlock naming them, not a hang") {
  CHECK(deadlock_of("tests/fixtures/asyncio_lock_order_deadlock.yaml") ==
        "deadlock: 1 thread(s) can never finish:\n"
        "  app/loop: waiting for 2 asyncio task(s) that can never finish:\n"
        "    first: waiting for asyncio.Lock 'b' held by second\n"
        "    second: waiting for asyncio.Lock 'a' held by first");
}

TEST_CASE("asyncio: a get on a queue whose producers have all returned is reported as a deadlock") {
  CHECK(deadlock_of("tests/fixtures/asyncio_get_without_producer.yaml") ==
        "deadlock: 1 thread(s) can never finish:\n"
        "  app/loop: waiting for 1 asyncio task(s) that can never finish:\n"
        "    consumer[2]: waiting for asyncio.Queue 'jobs', empty, whose producers have all returned (nothing left "
        "to get)");
}

TEST_CASE("asyncio: a coroutine's get on a thread channel blocks the whole loop, with the GIL released") {
  Summary s = simulate_summary(load_variant("tests/fixtures/asyncio_blocking_get.yaml", ""));
  // reader's step (15 us) blocks the loop's thread in queue.Queue.get(), dropping the GIL; the
  // producer takes it after a wake-up (50 us), sleeps 50 ms plus the 50 us timer slack of a
  // time.sleep (to 50.115 ms), puts (5 us of Python) and exits; the loop's thread takes the GIL
  // after a wake-up (50.170 ms) and runs get's 5 us. Only now does ticker run (15 us) and sleep
  // 10 ms: the loop, with nothing else to do, waits in epoll_wait with a timeout of 10 ms (whole
  // milliseconds already), which fires 50 us late (the timer slack): 60.240 ms, then ticker's
  // last step (15 us). Both wake-ups carry a seeded tie jitter under 1 us
  // (runtime.gil.tie_jitter). (This check accepted +-106 us.)
  CHECK_ABS(s.makespan, 0.060255, 2e-6);
  // The loop's thread waited for the channel without the GIL, from the end of reader's step
  // (15 us) to the end of the producer's put (50.120 ms): 50.105 ms, plus the producer's wake-up
  // jitter. (This check said 50 ms with a tolerance of +-10.5 ms.)
  CHECK_ABS(s.threads[0].seconds[static_cast<int>(ThreadState::Wait)], 0.050105, 1e-6);
}

TEST_CASE("asyncio: an event loop in a consume body gets its ThreadPoolExecutor like one in a repeat body") {
  Summary s = simulate_summary(load_variant("tests/fixtures/asyncio_in_consume_body.yaml", ""));
  // Both offloaded calls run on the loop's executor threads: 2 x 1 ms of bytecode plus one 5 us
  // queue.get of each work item (runtime.ipc.queue_op).
  double executor_python = 0;
  for (const ThreadSummary& t : s.threads)
    if (t.name.rfind("consumer-executor", 0) == 0) executor_python += t.seconds[static_cast<int>(ThreadState::Python)];
  CHECK(executor_python == doctest::Approx(2 * 1e-3 + 2 * 5e-6).epsilon(1e-9));
}
