// Request sources without a simulation: arrival draws, arrival files, percentiles, the state
// clock behind latency parts, and how the loader reads workload.requests.
#include <doctest/doctest.h>

#include <cmath>

#include "models/runtime/StateClock.hpp"
#include "sim/loader/ArrivalsFile.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/scenario/Arrivals.hpp"
#include "sim/trace/LatencyStats.hpp"
#include "sim/util/ScenarioError.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;

namespace {

RequestSpec source(ArrivalSpec::Kind kind, int64_t count) {
  RequestSpec spec;
  spec.name = "r";
  spec.count = count;
  spec.arrivals.kind = kind;
  spec.arrivals.rate = 200;
  spec.arrivals.min_gap = 1e-3;
  spec.arrivals.max_gap = 3e-3;
  return spec;
}

std::string arrival_file_error(const std::string& text) {
  try {
    read_arrival_times("a.txt", text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("fixed arrivals come every 1 / rate, the first one gap after 0") {
  const std::vector<double> t = draw_arrivals(source(ArrivalSpec::Kind::Fixed, 4), 1, 0);
  REQUIRE(t.size() == 4);
  CHECK_REL(t[0], 5e-3, 1e-12);   // 1 / 200 per second
  CHECK_REL(t[3], 20e-3, 1e-12);  // 4 gaps of 5 ms
}

TEST_CASE("exponential gaps have mean 1 / rate and uniform gaps stay within their bounds") {
  // 10^5 exponential gaps of mean 5 ms: the standard error of their mean is 5 ms / sqrt(10^5) =
  // 0.3%; 1.5% is five of them.
  const std::vector<double> poisson = draw_arrivals(source(ArrivalSpec::Kind::Exponential, 100000), 1, 0);
  CHECK_REL(poisson.back() / 100000, 5e-3, 0.015);
  const std::vector<double> uniform = draw_arrivals(source(ArrivalSpec::Kind::Uniform, 1000), 1, 0);
  double previous = 0, smallest = 1, largest = 0;
  for (double t : uniform) {
    smallest = std::min(smallest, t - previous);
    largest = std::max(largest, t - previous);
    previous = t;
  }
  CHECK(smallest >= 1e-3);
  CHECK(largest <= 3e-3);
  CHECK_REL(uniform.back() / 1000, 2e-3, 0.05);  // mean gap (1 + 3) / 2 ms; sd 0.58 ms / sqrt(1000) = 0.9%
}

TEST_CASE("arrivals depend on the seed and the source, not on anything else") {
  const RequestSpec spec = source(ArrivalSpec::Kind::Exponential, 10);
  CHECK(draw_arrivals(spec, 1, 0) == draw_arrivals(spec, 1, 0));
  CHECK(draw_arrivals(spec, 1, 0) != draw_arrivals(spec, 2, 0));
  CHECK(draw_arrivals(spec, 1, 0) != draw_arrivals(spec, 1, 1));
  // A request's stream is its own: request 3 draws the same whatever came before.
  Rng a = request_stream(1, 0, 3), b = request_stream(1, 0, 3), c = request_stream(1, 0, 4);
  CHECK(a.next() == b.next());
  CHECK(a.next() != c.next());
}

TEST_CASE("an arrivals file is one time per line, in increasing order") {
  const std::vector<double> t = read_arrival_times("a.txt", "# comment\n0s\n\n 1.5ms\r\n1.5ms\n2s\n");
  REQUIRE(t.size() == 4);
  CHECK(t[0] == 0);
  CHECK_REL(t[1], 1.5e-3, 1e-12);
  CHECK_REL(t[3], 2.0, 1e-12);
  CHECK(arrival_file_error("1ms\n0.5ms\n") ==
        "a.txt:2:1: error: arrival 0.5ms is before the previous one (1ms at line 1); expected times in increasing order");
  CHECK(arrival_file_error("1ms\n  7\n") ==
        "a.txt:2:3: error: expected an arrival time such as '12.5ms' (units: ns, us, ms, s, min, h), got '7'");
  CHECK(arrival_file_error("-1ms\n") ==
        "a.txt:1:1: error: expected an arrival time such as '12.5ms' (units: ns, us, ms, s, min, h), got '-1ms'");
  CHECK(read_arrival_times("a.txt", "# nothing\n").empty());
}

TEST_CASE("nearest-rank percentiles") {
  // 1..100: p50 is the 50th value, p99 the 99th, p99.9 the ceil(99.9) = 100th.
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  CHECK(nearest_rank(v, 0.50) == 50);
  CHECK(nearest_rank(v, 0.99) == 99);
  CHECK(nearest_rank(v, 0.999) == 100);
  CHECK(nearest_rank({7.0}, 0.5) == 7);
}

TEST_CASE("a state clock's marks capture the totals at their time, within a piece") {
  StateClock clock;
  clock.add(ThreadState::Python, 0, 2);
  const int64_t now = clock.mark(2);     // reached already
  const int64_t later = clock.mark(3.5);  // inside the next piece
  clock.add(ThreadState::GilWait, 2, 5);
  const StateClock::Totals at_now = clock.take_mark(now);
  const StateClock::Totals at_later = clock.take_mark(later);
  CHECK(at_now[static_cast<int>(ThreadState::Python)] == 2);
  CHECK(at_now[static_cast<int>(ThreadState::GilWait)] == 0);
  CHECK(at_later[static_cast<int>(ThreadState::GilWait)] == 1.5);  // 3.5 - 2
  CHECK(clock.totals()[static_cast<int>(ThreadState::GilWait)] == 3);
}

TEST_CASE("the loader reads request sources and sleeps drawn from a distribution") {
  const std::vector<Scenario> s = load_scenarios("scenarios/seed/thread_pool_load.yaml", {});
  REQUIRE(s.size() == 4);
  REQUIRE(s[3].requests.size() == 1);
  CHECK(s[3].requests[0].count == 3000);
  CHECK(s[3].requests[0].arrivals.kind == ArrivalSpec::Kind::Exponential);
  CHECK(s[3].requests[0].arrivals.rate == 300);
  const std::vector<Scenario> replay = load_scenarios("tests/fixtures/requests_from_file.yaml", {});
  REQUIRE(replay[0].requests.size() == 1);
  CHECK(replay[0].requests[0].count == 5);  // the file's five lines
  const std::vector<Scenario> draws = load_scenarios("tests/fixtures/requests_common_draws.yaml", {});
  const auto& serve = std::get<ServeStep>(draws[0].processes[0].threads[0].program[0].action);
  CHECK(std::get<SleepStep>(serve.body[2].action).latency.kind == Latency::Kind::Uniform);
}

TEST_CASE("--set changes a source's rate, and refuses one of zero") {
  const std::vector<Scenario> s = load_scenarios("scenarios/seed/md1_check.yaml",
                                                 {parse_override("workload.requests[0].arrivals.rate=80")});
  CHECK(s[0].requests[0].arrivals.rate == 80);
  try {
    load_scenarios("scenarios/seed/md1_check.yaml", {parse_override("workload.requests[0].arrivals.rate=0")});
    FAIL("a rate of 0 was accepted");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == "--set workload.requests[0].arrivals.rate=0: error: workload.requests[0].arrivals.rate: "
                                   "expected a rate in requests per second, a number above 0 such as 100, got '0'");
  }
}
