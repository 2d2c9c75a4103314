// Closed-loop clients (README "Closed-loop clients"): N clients that send a request, wait for
// its completion and think before the next, against schedules worked out by hand, the
// interactive response time law, common random numbers, and an open loop as negative control.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "sim/trace/LatencyStats.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

constexpr double kNs = 1e-9;  // latencies are written to --json with nanosecond resolution
const char* const kFixture = "tests/fixtures/closed_loop_clients.yaml";

const LatencyStats& only_source(const Summary& s) {
  REQUIRE(s.latency.size() == 1);
  return s.latency[0];
}

double part(const LatencyStats& l, RequestPart p) { return l.mean_parts[static_cast<int>(p)]; }

// The rates of the only source computed in the run, unrounded: --json writes rates with 6
// decimals (85.714286 for 85.7142857...), coarser than the 1e-9 relative checks below.
struct ExactRates {
  double mean = 0, think_mean = 0, throughput = 0, clients_throughput = 0;
};
ExactRates exact_rates(const Scenario& scenario) {
  std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
    const std::vector<LatencyStats> stats = latency_stats(t);
    std::ostringstream out;
    out.precision(17);
    if (stats.size() == 1)
      out << stats[0].mean << " " << stats[0].think_mean << " " << stats[0].throughput << " "
          << stats[0].clients_throughput;
    return out.str();
  }));
  ExactRates r;
  const bool read = static_cast<bool>(in >> r.mean >> r.think_mean >> r.throughput >> r.clients_throughput);
  REQUIRE(read);
  return r;
}

// Every request as "index arrival start end", to compare schedules.
std::string schedule(const Scenario& scenario) {
  return simulate_and(scenario, [](const Timeline& t) {
    std::ostringstream out;
    out.precision(17);
    for (const RequestRecord& r : t.requests) out << r.index << " " << r.arrival << " " << r.start << " " << r.end << "\n";
    return out.str();
  });
}

// Zero think, 4 clients, one thread, 10 ms of Python each, 20 requests (5 per client). At 0 the
// four clients send requests 0-3; the thread serves them over [0,10), [10,20), [20,30), [30,40)
// ms: latencies 10, 20, 30, 40 ms. Client 0 sends request 4 at 10 ms, behind requests 1-3: it
// runs over [40, 50), 40 ms. From then on every request waits for the other three clients'
// requests and runs its own: 4 x 10 = 40 ms each (16 requests), throughput 1 / 10 ms = 100/s.
void check_zero_think(const LatencyStats& l) {
  CHECK(l.count == 20);
  CHECK_ABS(l.mean, 37e-3, kNs);  // (10 + 20 + 30 + 40 + 16 x 40) / 20 = 740 / 20 ms
  CHECK_ABS(l.p50, 40e-3, kNs);
  CHECK_ABS(l.max, 40e-3, kNs);
  CHECK_REL(l.throughput, 100.0, 1e-9);  // 20 requests / 200 ms
  CHECK_ABS(part(l, RequestPart::Queue), 27e-3, kNs);  // (0 + 10 + 20 + 30 + 16 x 30) / 20 = 540 / 20 ms
  CHECK_ABS(part(l, RequestPart::Python), 10e-3, kNs);
  CHECK(l.clients == 4);
  CHECK_ABS(l.think_mean, 0, kNs);
  // Requests 0-3 arrive at 0, but the thread takes request 0 that instant (a start counts before
  // an arrival at the same time: LatencyStats' measure_queue), so 3 wait; later each request is
  // sent as another is taken, so 3 wait again: at most N - 1 with one handler always busy.
  CHECK(l.peak_queue == 3);
  CHECK_FALSE(l.saturated);
}

}  // namespace

TEST_CASE("four clients without think time keep one thread busy: 100/s, 40 ms once all four are queued") {
  check_zero_think(only_source(simulate_summary(load_variant(kFixture, "zero-think"))));
}

TEST_CASE("an event loop serving four clients without think time gives the same schedule as a thread") {
  // Requests 0-3 are ready at 0 and run in one iteration of the loop, [0, 40) ms; requests 4-7,
  // sent at 10, 20, 30, 40 ms, run in the next, in the order they arrived: as the thread's.
  check_zero_think(only_source(simulate_summary(load_variant(kFixture, "event-loop"))));
  CHECK(schedule(load_variant(kFixture, "event-loop")) == schedule(load_variant(kFixture, "zero-think")));
}

TEST_CASE("three clients thinking 15 ms collide at their start and settle at 15 ms per request") {
  // Each client thinks 15 ms before each request, its first included: all three send at 15 ms.
  //   request (client)  arrival  start  end   latency
  //   0 (c0)            15       15     25    10
  //   1 (c1)            15       25     35    20
  //   2 (c2)            15       35     45    30
  //   3 (c0)            25+15=40 45     55    15
  //   4 (c1)            35+15=50 55     65    15
  //   5 (c2)            45+15=60 65     75    15
  //   6 (c0)            55+15=70 75     85    15
  //   7 (c1)            65+15=80 85     95    15
  //   8 (c2)            75+15=90 95     105   15
  // The collision at the start makes the first round 10, 20, 30 ms; then R + Z = 30 ms per client
  // cycle with the thread always busy: R = N / X - Z = 3 / 100 - 0.015 = 15 ms.
  for (const char* variant : {"think-15ms", "event-loop-think-15ms"}) {
    CAPTURE(variant);
    const Scenario scenario = load_variant(kFixture, variant);
    const LatencyStats l = only_source(simulate_summary(scenario));
    const ExactRates exact = exact_rates(scenario);
    CHECK(l.count == 9);
    CHECK_ABS(l.mean, 150e-3 / 9, kNs);  // (10 + 20 + 30 + 6 x 15) / 9 ms
    CHECK_ABS(l.max, 30e-3, kNs);
    CHECK_ABS(l.p50, 15e-3, kNs);
    CHECK_ABS(part(l, RequestPart::Queue), 60e-3 / 9, kNs);  // (0 + 10 + 20 + 6 x 5) / 9 ms
    CHECK_REL(exact.throughput, 9 / 0.105, 1e-9);            // 9 requests / 105 ms = 85.7/s
    CHECK_ABS(l.think_mean, 15e-3, kNs);
    // Lifetimes 85, 95 and 105 ms: 3 x 9 / 0.285 s = 94.74/s, and 3 / 94.74 - 0.015 = 16.667 ms.
    CHECK_REL(exact.clients_throughput, 27 / 0.285, 1e-9);
    CHECK_REL(l.clients / exact.clients_throughput - exact.think_mean, exact.mean, 1e-9);
  }
  // Negative control: the same 9 requests as an open loop at 100/s (arrivals 10, 20, ... 90 ms)
  // never queue: each takes its 10 ms, mean 10 ms, not 16.7 ms; and nothing closed is reported.
  const LatencyStats open = only_source(simulate_summary(load_variant(kFixture, "open-loop")));
  CHECK_ABS(open.mean, 10e-3, kNs);
  CHECK_ABS(part(open, RequestPart::Queue), 0, kNs);
  CHECK(open.clients == 0);
  CHECK_ABS(open.clients_throughput, 0, kNs);
}

TEST_CASE("the interactive response time law R = N / X - Z holds exactly for closed loops") {
  // A client's lifetime is think, request, think, request, ...: its thinks plus its latencies.
  // Summed over clients, N / X_clients = (sum R + sum Z) / count = R + Z, whatever the server:
  // here a thread pool with random think times and random I/O, and an event loop.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"scenarios/seed/closed_loop_clients.yaml", "clients-8"},
      {"scenarios/seed/closed_loop_clients.yaml", "clients-64"},
      {"scenarios/seed/closed_loop_clients.yaml", "asyncio-clients-64"},
  };
  for (const auto& test_case : cases) {
    // Plain variables: clang before 16 cannot capture structured bindings (CAPTURE's lambda).
    const std::string& file = test_case.first;
    const std::string& variant = test_case.second;
    CAPTURE(variant);
    const LatencyStats l = only_source(simulate_summary(load_variant(file, variant)));
    REQUIRE(l.clients > 0);
    REQUIRE(l.think_mean > 0);
    // Exact but for the nanosecond rounding of --json and the sums of doubles.
    CHECK_ABS(static_cast<double>(l.clients) / l.clients_throughput - l.think_mean, l.mean, 1e-8);
    // Negative control: without the think time the law misses by exactly Z (here >= 50 ms).
    CHECK(std::fabs(static_cast<double>(l.clients) / l.clients_throughput - l.mean) > 0.9 * l.think_mean);
    CHECK_FALSE(l.saturated);
    CHECK(l.peak_queue <= l.clients);
  }
}

TEST_CASE("clients think the same in every variant (common random numbers)") {
  // Each client draws its think times from a stream of its own: served by 8 threads or by one
  // event loop, the same 8 clients' requests arrive at other times (the servers differ), but
  // each think (arrival - the client's previous completion) is the same.
  auto thinks = [](const std::string& variant, const std::string& seed) {
    const std::string text = simulate_and(
        load_variant("scenarios/seed/closed_loop_clients.yaml", variant, {{"runtime.seed", seed, "--seed " + seed}}),
        [](const Timeline& t) {
          const int64_t clients = t.request_clients.at(0);
          std::vector<double> end(t.requests.size(), 0.0);
          for (const RequestRecord& r : t.requests) end[static_cast<std::size_t>(r.index)] = r.end;
          std::ostringstream out;
          out.precision(17);
          for (const RequestRecord& r : t.requests)
            out << r.arrival - (r.index >= clients ? end[static_cast<std::size_t>(r.index - clients)] : 0.0) << "\n";
          return out.str();
        });
    std::istringstream in(text);
    std::vector<double> values;
    for (double v = 0; in >> v;) values.push_back(v);
    return values;
  };
  // Equal but for the rounding of arrival - end at different times (1e-15 s at 10 s).
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::fabs(a[i] - b[i]) > 1e-12) return false;
    return true;
  };
  const std::vector<double> threads = thinks("clients-8", "1");
  REQUIRE(threads.size() == 3000);
  CHECK(threads[0] != threads[8]);  // drawn, not fixed
  CHECK(same(threads, thinks("asyncio-clients-8", "1")));
  CHECK_FALSE(same(threads, thinks("clients-8", "2")));  // negative control: another seed, other draws
}
