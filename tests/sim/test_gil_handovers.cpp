// GIL hand-overs (sim/timeline/GilHandovers.hpp) against hand-computed counts: who dropped the
// GIL, who took it, whether the drop was forced (the eval breaker answering a drop request) or
// voluntary (a blocking call, an exit), and how long the taker waited; in both GIL engines, in
// the --json summary and as flow arrows in the trace.
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace/ChromeTraceWriter.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

const char* const kTwoCpu = "tests/fixtures/handover_two_cpu.yaml";
const char* const kIoBesideCpu = "tests/fixtures/handover_io_beside_cpu.yaml";

struct Handovers {
  int64_t forced = 0;     // Timeline::process_handovers of the one process
  int64_t voluntary = 0;
  int64_t switches = 0;   // CPython's gil->switch_number
  std::vector<GilHandover> list;  // Timeline::gil_handovers, in the order they happened
};

// Simulates `file` under the GIL engine `model` and returns its process's hand-overs.
Handovers simulate_handovers(const std::string& file, GilModel model, const std::vector<Override>& overrides = {}) {
  Scenario scenario = load_variant(file, "", overrides);
  scenario.gil_model = model;
  std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
    std::ostringstream out;
    out.precision(17);
    out << t.process_handovers.at(0).forced << " " << t.process_handovers.at(0).voluntary << " "
        << t.process_gil_switches.at(0) << " " << t.gil_handovers.size() << "\n";
    for (const GilHandover& h : t.gil_handovers)
      out << h.from << " " << h.to << " " << h.forced << " " << h.dropped << " " << h.taken << " " << h.waited << "\n";
    return out.str();
  }));
  Handovers result;
  std::size_t count = 0;
  in >> result.forced >> result.voluntary >> result.switches >> count;
  result.list.resize(count);
  for (GilHandover& h : result.list) in >> h.from >> h.to >> h.forced >> h.dropped >> h.taken >> h.waited;
  return result;
}

const char* model_name(GilModel model) { return model == GilModel::Reference ? "reference" : "fast"; }

}  // namespace

TEST_CASE("two CPU-bound threads at 5 ms: 18 forced hand-overs, then 1 voluntary at the first one's exit") {
  for (GilModel model : {GilModel::Fast, GilModel::Reference}) {
    CAPTURE(model_name(model));
    const Handovers h = simulate_handovers(kTwoCpu, model);
    // worker[0] (thread 0) takes the GIL at 0. worker[1] asks for it after a timed wait of the
    // interval + timer slack (5.05 ms); worker[0] drops it at its next eval-breaker check, 5 us
    // later (5.055 ms), and worker[1] runs 50 us after the signal. From then on each holder runs
    // P = 50 us (the other's re-entry into take_gil() after its switch wait) + 5.05 ms + 5 us
    // = 5.105 ms of Python (+ under 2 us of tie jitter) before a drop request stops it.
    // worker[0] runs 5.055 + 8 x 5.105 = 45.9 ms in 9 periods and ends its 50 ms in its 10th
    // (4.1 ms < P): it exits, a voluntary drop. worker[1] runs 9 x 5.105 = 45.9 ms in 9
    // periods, each ended by a drop request, and finishes its last 4.1 ms alone.
    // Forced: 9 (worker[0] -> worker[1]) + 9 (worker[1] -> worker[0]) = 18; voluntary: 1.
    CHECK(h.forced == 18);
    CHECK(h.voluntary == 1);
    // Every switch after the first take is a hand-over: 1 + 19 = 20.
    CHECK(h.switches == 20);
    REQUIRE(h.list.size() == 19);
    for (std::size_t i = 0; i < h.list.size(); ++i) {
      CAPTURE(i);
      const GilHandover& x = h.list[i];
      // The threads alternate, worker[0] first; the last one is worker[0]'s exit.
      CHECK(x.from == static_cast<int>(i % 2));
      CHECK(x.to == static_cast<int>(1 - i % 2));
      CHECK(x.forced == (i < 18));
      // The taker is signalled at the drop and runs one wake-up latency later: 50 us, plus its
      // tie-jitter offset (under 1 us).
      CHECK(x.taken - x.dropped >= 50e-6 - 1e-12);
      CHECK(x.taken - x.dropped < 51e-6);
      // A forced hand-over's taker waited one period: 5.105 ms (+ under 2 us of jitter); the
      // first from 0 (its start), the others from its re-entry 50 us after its own switch.
      if (x.forced) {
        CHECK(x.waited >= 5.105e-3 - 1e-12);
        CHECK(x.waited < 5.107e-3);
      }
    }
    // The voluntary one: worker[1] re-entered take_gil() 50 us after it lost the GIL, and took
    // it 50 us after worker[0]'s exit, so it waited worker[0]'s last run: 50 ms - 5.055 ms -
    // 8 x 5.105 ms = 4.105 ms, less the jitter of its 9 periods (under 18 us).
    CHECK(h.list.back().waited > 4.08e-3);
    CHECK(h.list.back().waited < 4.11e-3);
  }

  // Negative control: at a 10 ms interval P = 10.105 ms. worker[0] runs 10.055 + 3 x 10.105 =
  // 40.4 ms in 4 periods and ends in its 5th; worker[1] 4 x 10.105 = 40.4 ms in 4 forced periods.
  // Forced: 4 + 4 = 8 (not 18); voluntary: 1.
  const Handovers slow =
      simulate_handovers(kTwoCpu, GilModel::Fast, {parse_override("runtime.switch_interval=10ms")});
  CHECK(slow.forced == 8);
  CHECK(slow.voluntary == 1);
  CHECK(slow.switches == 10);
}

TEST_CASE("an I/O thread beside a CPU thread: voluntary at each blocking call, forced at each drop request") {
  for (GilModel model : {GilModel::Fast, GilModel::Reference}) {
    CAPTURE(model_name(model));
    const Handovers h = simulate_handovers(kIoBesideCpu, model);
    // cpu (thread 0) takes the GIL at 0. io (thread 1) needs it to start: a drop request at
    // 5.05 ms takes it from cpu (forced), and io drops it at once for its first io call
    // (voluntary). Each of its 10 io calls then returns to a GIL that cpu holds: a drop request
    // 5.05 ms later (forced), 100 us of Python, and its next io call or, after the 10th, its exit
    // (voluntary). Forced: 1 + 10 = 11; voluntary: 1 + 9 + 1 = 11. cpu's 200 ms outlast this
    // (~67 ms), so the counts do not depend on when it ends.
    CHECK(h.forced == 11);
    CHECK(h.voluntary == 11);
    CHECK(h.switches == 23);
    REQUIRE(h.list.size() == 22);
    for (std::size_t i = 0; i < h.list.size(); ++i) {
      CAPTURE(i);
      const GilHandover& x = h.list[i];
      // Forced and voluntary alternate: every forced one goes cpu -> io, every voluntary one back.
      CHECK(x.forced == (i % 2 == 0));
      CHECK(x.from == (x.forced ? 0 : 1));
      CHECK(x.to == (x.forced ? 1 : 0));
      if (x.forced) {
        // io waited from its call to take_gil() (its start, or its io call's return) through the
        // timed wait (5.05 ms), the drop latency (5 us) and its wake-up (50 us): 5.105 ms, plus
        // under 2 us of tie jitter.
        CHECK(x.waited >= 5.105e-3 - 1e-12);
        CHECK(x.waited < 5.107e-3);
      } else if (i == 1) {
        // io dropped the GIL for its first io call the moment it took it; cpu, released from its
        // switch wait by that take, re-entered take_gil() 50 us later and found the GIL free.
        CHECK(x.waited == 0);
        CHECK(x.taken - x.dropped >= 50e-6 - 1e-12);
        CHECK(x.taken - x.dropped < 51e-6);
      } else {
        // cpu re-entered take_gil() one wake-up latency after io took the GIL; io dropped it 100
        // us after taking it, and cpu ran one wake-up latency (the same, its own) after that:
        // it waited io's 100 us of Python.
        CHECK_ABS(x.waited, 100e-6, 1e-9);
      }
    }
  }

  // Negative control: the same thread with a 1 ms cpu step instead of its io call never blocks:
  // 10 x 1.1 ms = 11 ms of Python taken by drop requests only. cpu runs 5.055 ms, io 5.105,
  // cpu 5.105, io 5.105 (10.21 ms), cpu 5.105, and io its last 0.79 ms, then exits. Forced: 5
  // (not 11); voluntary: 1, the exit (not 11).
  const Handovers cpu_only = simulate_handovers(
      kIoBesideCpu, GilModel::Fast,
      {parse_override("workload.processes[0].threads[1].program[0].repeat.steps[0]={cpu: 1ms}")});
  CHECK(cpu_only.forced == 5);
  CHECK(cpu_only.voluntary == 1);
}

TEST_CASE("--json gives each process its forced and voluntary GIL hand-overs") {
  const Summary s = simulate_summary(load_variant(kTwoCpu, ""));
  REQUIRE(s.processes.size() == 1);
  // The figures of the first test case: 18 forced, 1 voluntary, 20 switches.
  CHECK(s.processes[0].handovers.forced == 18);
  CHECK(s.processes[0].handovers.voluntary == 1);
  CHECK(s.processes[0].gil_switches == 20);
}

TEST_CASE("the trace draws each GIL hand-over as one flow arrow, named forced or voluntary") {
  const std::string counts = simulate_and(load_variant(kIoBesideCpu, ""), [](const Timeline& t) {
    std::ostringstream trace;
    const chrome::HandoverFlows flows = write_chrome_trace(t, trace);
    const std::string json = trace.str();
    auto count = [&](const std::string& needle) {
      std::size_t n = 0;
      for (std::size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) ++n;
      return n;
    };
    std::ostringstream out;
    out << count("{\"ph\":\"s\",") << " " << count("{\"ph\":\"f\",") << " " << count("\"name\":\"GIL hand-over (forced)\"")
        << " " << count("\"name\":\"GIL hand-over (voluntary)\"") << " " << flows.written << " " << flows.left_out << " "
        << count("\"gil_handover_flows\":{\"written\":22,\"left_out\":0}");
    return out.str();
  });
  // The 22 hand-overs of the test case above: one "s" and one "f" event each, both named after
  // the kind (11 forced, 11 voluntary: 22 events each), all written.
  CHECK(counts == "22 22 22 22 22 0 1");
}
