// The EEVDF scheduler's rules (models/machine/EevdfCore.*) on hand-computed cases. Times in
// seconds; ms() for readability. Two CPUs: base slice 0.7 ms x (1 + log2 2) = 1.4 ms; one CPU:
// 0.7 ms. Tick 4 ms (HZ = 250).
#include <doctest/doctest.h>

#include "models/machine/EevdfCore.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;

namespace {

constexpr double ms(double v) { return v * 1e-3; }

SchedulerConfig eevdf() {
  SchedulerConfig config;
  config.policy = SchedulerPolicy::Eevdf;
  return config;
}

// The task each switch starts, in order ("-1" for idle).
std::vector<int> started(const std::vector<CpuSwitch>& switches) {
  std::vector<int> out;
  for (const CpuSwitch& s : switches) out.push_back(s.next);
  return out;
}

}  // namespace

TEST_CASE("EEVDF: the base slice follows the CPU count, 0.7 ms x (1 + log2(min(CPUs, 8)))") {
  CHECK_REL(EevdfCore(eevdf(), 1, 1).slice(), ms(0.7), 1e-12);
  CHECK_REL(EevdfCore(eevdf(), 2, 1).slice(), ms(1.4), 1e-12);
  CHECK_REL(EevdfCore(eevdf(), 4, 2).slice(), ms(2.8), 1e-12);   // 8 CPUs
  CHECK_REL(EevdfCore(eevdf(), 32, 2).slice(), ms(2.8), 1e-12);  // capped at 8
  SchedulerConfig set = eevdf();
  set.base_slice = ms(3);
  CHECK_REL(EevdfCore(set, 2, 1).slice(), ms(3), 1e-12);
}

TEST_CASE("EEVDF: two CPU-bound tasks on one CPU take turns of one tick (the slice ends only at a tick)") {
  EevdfCore core(eevdf(), 1, 1);
  const int a = core.add_task({});
  const int b = core.add_task({});
  // a starts on the idle CPU; b is forked behind it and does not preempt.
  CHECK(started(core.wake(a, 0, WakeKind::Fork)) == std::vector<int>{a});
  CHECK(core.wake(b, 0, WakeKind::Fork).empty());
  CHECK(core.running(a));
  // No tick before 4 ms changes anything: a is protected for its first 0.35 ms (half a slice
  // for a new task), and the slice end is only seen at a tick.
  // At 4 ms: a ran 4 ms (v = 4 ms >= deadline 0.35 ms): renewed; b (v = 0) is eligible with the
  // earlier deadline (0.35 ms): b runs.
  CHECK(started(core.tick(ms(4))) == std::vector<int>{b});
  CHECK_REL(core.vruntime(a), ms(4), 1e-12);
  // At 8 ms: both at v = 4 ms, both deadlines 4 + 0.7 ms: the tie goes to the waiting one.
  CHECK(started(core.tick(ms(8))) == std::vector<int>{a});
  CHECK(started(core.tick(ms(12))) == std::vector<int>{b});
  CHECK_REL(core.vruntime(a), ms(8), 1e-12);  // a ran 0-4 and 8-12 ms
}

TEST_CASE("EEVDF: a woken task with positive lag preempts at once") {
  EevdfCore core(eevdf(), 1, 1);
  const int a = core.add_task({});
  const int b = core.add_task({});
  core.wake(a, 0, WakeKind::Fork);
  core.wake(b, 0, WakeKind::Fork);
  core.tick(ms(4));  // b runs (previous test)
  // b blocks at 4.1 ms after 0.1 ms: V = (4 + 0.1) / 2 = 2.05 ms >= v_b = 0.1 ms, so b is
  // eligible and leaves with lag 2.05 - 0.1 = 1.95 ms (clamped to +-4 ms).
  CHECK(started(core.block(b, ms(4.1))) == std::vector<int>{a});
  // a runs alone until 9 ms. b wakes (a timer): placed at V - 1.95 x (1 + 1) / 1 = v_a - 3.9 ms,
  // so a is no longer eligible: b preempts.
  CHECK(started(core.wake(b, ms(9), WakeKind::Timer)) == std::vector<int>{b});
  CHECK_REL(core.vruntime(b), core.vruntime(a) - ms(3.9), 1e-9);
}

TEST_CASE("EEVDF: a task comes back with the lag it left with, so it preempts a task that ran meanwhile") {
  EevdfCore core(eevdf(), 1, 1);
  const int a = core.add_task({});
  const int b = core.add_task({});
  core.wake(a, 0, WakeKind::Fork);
  core.wake(b, 0, WakeKind::Fork);
  core.tick(ms(4));                    // b runs from 4 ms
  core.block(b, ms(4));                // at once: lag (4 + 0)/2 - 0 = 2 ms
  core.wake(b, ms(4), WakeKind::Task);  // back at once: v = V - 2 x 2 = 0: it preempts a
  CHECK(core.running(b));
  // b has v = 0, a has v = 4 ms. b runs 1 ms and blocks at 5 ms: V = 2.5, lag 1.5 ms.
  core.block(b, ms(5));
  CHECK(core.running(a));
  // a runs alone: the tick at 8 ms renews its deadline (v_a = 4 + 3 = 7 ms -> 8.4 ms). b comes
  // back at 8.5 ms with lag 1.5 ms: placed at v_a(8.5) - 3 = 4.5 ms: a (7.5 ms) is not eligible:
  // b preempts.
  CHECK(started(core.wake(b, ms(8.5), WakeKind::Task)) == std::vector<int>{b});
}

TEST_CASE("EEVDF: a task that blocks while not eligible stays queued (DELAY_DEQUEUE) until its lag is spent") {
  EevdfCore core(eevdf(), 1, 1);
  const int a = core.add_task({});
  const int b = core.add_task({});
  core.wake(a, 0, WakeKind::Fork);
  core.wake(b, 0, WakeKind::Fork);
  // a runs 4 ms while b waits: at 3 ms a blocks with v = 3 > V = 1.5: not eligible, delayed.
  CHECK(started(core.block(a, ms(3))) == std::vector<int>{b});
  CHECK(core.queued(0) == 2);  // a is still in the run queue, with b
  // Woken before b has run 3 ms (v_b = 1 ms at 4 ms), a keeps its negative lag and waits:
  CHECK(core.wake(a, ms(4), WakeKind::Task).empty());
  CHECK(core.running(b));
}

TEST_CASE("EEVDF placement: a woken task takes an idle allowed CPU, else queues on its previous one") {
  EevdfCore core(eevdf(), 2, 1);
  const int a = core.add_task({});
  const int b = core.add_task({});
  const int pinned = core.add_task({0});
  core.wake(a, 0, WakeKind::Fork);
  CHECK(core.cpu_of(a) == 0);
  core.wake(b, 0, WakeKind::Fork);
  CHECK(core.cpu_of(b) == 1);  // the idle CPU
  // Both CPUs busy: the task pinned to CPU 0 queues there, whatever else is idle.
  core.block(b, ms(1));
  core.wake(pinned, ms(1), WakeKind::Fork);
  CHECK(core.cpu_of(pinned) == 0);
  CHECK_FALSE(core.running(pinned));
}

TEST_CASE("EEVDF: a CPU going idle pulls a waiting task from a busier one once it is no longer cache-hot") {
  SchedulerConfig config = eevdf();
  config.migration_cost = ms(0.5);
  EevdfCore core(config, 2, 1);
  const int a = core.add_task({});
  const int b = core.add_task({0});  // starts on CPU 0, then may run anywhere
  const int c = core.add_task({});
  core.wake(a, 0, WakeKind::Fork);   // CPU 0
  core.wake(c, 0, WakeKind::Fork);   // CPU 1
  core.wake(b, 0, WakeKind::Fork);   // queued on CPU 0 behind a
  core.set_allowed(b, {});
  // c blocks at 2 ms: b last ran never (stopped_at = -inf), so it is cold: CPU 1 pulls it.
  const std::vector<CpuSwitch> out = core.block(c, ms(2));
  CHECK(started(out) == std::vector<int>{b});
  CHECK(core.cpu_of(b) == 1);
}

TEST_CASE("EEVDF: a pull falls due at the instant next_pull() gives, whatever its rounding (it never happened: a livelock)") {
  SchedulerConfig config = eevdf();
  config.migration_cost = ms(0.5);
  EevdfCore core(config, 2, 1);
  const int a = core.add_task({});
  const int b = core.add_task({0});
  const int c = core.add_task({});
  core.wake(a, 0, WakeKind::Fork);  // CPU 0
  core.wake(c, 0, WakeKind::Fork);  // CPU 1
  core.wake(b, 0, WakeKind::Fork);  // queued on CPU 0 behind a
  // The tick at 0.7 s ends a's slice: b runs, a waits on CPU 0 with stopped_at = 0.7 s.
  CHECK(started(core.tick(0.7)) == std::vector<int>{b});
  // c blocks: CPU 1 goes idle, but a stopped running 0 s ago and is cache-hot: no pull.
  CHECK(started(core.block(c, 0.7)) == std::vector<int>{-1});
  // a is cold at 0.7 s + 0.5 ms. In doubles (0.7 + 0.0005) - 0.7 = 0.00049999999999994 < 0.0005,
  // so a test written as now - stopped_at < cost still found a hot at that instant, while the
  // ticker kept waking at it.
  const double due = core.next_pull(0.7);
  CHECK(due == 0.7 + ms(0.5));
  CHECK(started(core.retry_pulls(due)) == std::vector<int>{a});
  CHECK(core.cpu_of(a) == 1);
}
