// Requests (README "Requests"): arrivals, serving threads and event loops, per-request latency
// and its parts, common random numbers and saturation, against figures computed by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/trace/LatencyStats.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

constexpr double kNs = 1e-9;  // latencies are written to --json with nanosecond resolution

const LatencyStats& only_source(const Summary& s) {
  REQUIRE(s.latency.size() == 1);
  return s.latency[0];
}

double part(const LatencyStats& l, RequestPart p) { return l.mean_parts[static_cast<int>(p)]; }

}  // namespace

TEST_CASE("requests replayed from a file to one thread wait for it in arrival order") {
  // Arrivals 0, 1, 1, 2.5 and 40 ms; the handler runs 2 ms of Python. One thread serves them in
  // turn: starts 0, 2, 4, 6, 40 ms; ends 2, 4, 6, 8, 42 ms; latencies 2, 3, 5, 5.5, 2 ms.
  const Summary s = simulate_summary(load_variant("tests/fixtures/requests_from_file.yaml", ""));
  const LatencyStats& l = only_source(s);
  CHECK(l.source == "replay");
  CHECK(l.count == 5);
  CHECK_ABS(l.mean, 3.5e-3, kNs);  // (2 + 3 + 5 + 5.5 + 2) / 5 = 17.5 / 5 ms
  // Nearest rank over sorted 2, 2, 3, 5, 5.5 ms: p50 is the ceil(2.5) = 3rd, p90 the ceil(4.5) = 5th.
  CHECK_ABS(l.p50, 3e-3, kNs);
  CHECK_ABS(l.p90, 5.5e-3, kNs);
  CHECK_ABS(l.max, 5.5e-3, kNs);
  CHECK_ABS(part(l, RequestPart::Queue), 1.5e-3, kNs);   // (0 + 1 + 3 + 3.5 + 0) / 5 ms
  CHECK_ABS(part(l, RequestPart::Python), 2e-3, kNs);    // 2 ms each
  CHECK_ABS(part(l, RequestPart::GilWait), 0, kNs);      // the only thread: the GIL is always free
  CHECK_REL(l.offered, 125.0, 1e-6);                      // 5 requests / 40 ms
  CHECK_REL(l.throughput, 5 / 42e-3, 1e-6);               // 5 requests / 42 ms = 119.05/s
  CHECK(l.peak_queue == 2);                               // requests 1 and 2 wait together over [1, 2) ms
  CHECK_FALSE(l.saturated);
}

TEST_CASE("an event loop runs one task per request, each from its arrival") {
  // Tasks: 2 ms Python, await 10 ms, 1 ms Python; no loop overhead. The loop runs task 0 over
  // [0, 2) ms, tasks 1 and 2 (arrived at 1 ms) over [2, 4) and [4, 6), task 3 (2.5 ms) over
  // [6, 8); their awaits end at 12, 14, 16 and 18 ms, each followed by 1 ms of Python: ends 13,
  // 15, 17, 19 ms. Task 4 arrives at 40 ms to an idle loop: ends at 53 ms.
  // Latencies 13, 14, 16, 16.5, 13 ms.
  const Summary s = simulate_summary(load_variant("tests/fixtures/requests_on_loop.yaml", ""));
  const LatencyStats& l = only_source(s);
  CHECK(l.count == 5);
  CHECK_ABS(l.mean, 14.5e-3, kNs);  // (13 + 14 + 16 + 16.5 + 13) / 5 = 72.5 / 5 ms
  CHECK_ABS(l.max, 16.5e-3, kNs);
  // Ready while the loop ran other tasks' Python: 0, 1 (task 0), 3 (tasks 0, 1), 3.5 (tasks 0-2), 0 ms.
  CHECK_ABS(part(l, RequestPart::Queue), 1.5e-3, kNs);  // 7.5 / 5 ms
  CHECK_ABS(part(l, RequestPart::Io), 10e-3, kNs);
  CHECK_ABS(part(l, RequestPart::Python), 3e-3, kNs);
  CHECK_ABS(part(l, RequestPart::Other), 0, kNs);
}

TEST_CASE("a request gets the same random draws whichever thread serves it (common random numbers)") {
  // The handler draws an io latency and a sleep per request. One thread or four serve the same
  // 2000 requests: with draws from the serving thread's stream the sums would differ; from the
  // request's own stream, every request's io part (its io plus its sleep) is the same in both.
  auto io_parts = [](const std::string& variant) {
    return simulate_and(load_variant("tests/fixtures/requests_common_draws.yaml", variant), [](const Timeline& t) {
      std::ostringstream out;
      out.precision(17);
      for (const RequestRecord& r : t.requests) out << r.index << " " << r.parts[static_cast<int>(RequestPart::Io)] << "\n";
      return out.str();
    });
  };
  auto parse = [](const std::string& text) {
    std::istringstream in(text);
    std::vector<double> parts;
    int64_t index = 0;
    for (double part = 0; in >> index >> part;) parts.push_back(part);
    return parts;
  };
  const std::vector<double> one = parse(io_parts("one-thread"));
  const std::vector<double> four = parse(io_parts("four-threads"));
  REQUIRE(one.size() == 2000);
  REQUIRE(four.size() == 2000);
  // Equal but for the rounding of clock differences at different times (1e-14 s at 50 s).
  int differing = 0;
  for (std::size_t i = 0; i < one.size(); ++i)
    if (std::fabs(one[i] - four[i]) > 1e-12) ++differing;
  CHECK(differing == 0);
  CHECK(one[0] != one[1]);  // drawn, not fixed
}

TEST_CASE("the arrivals are the same in every variant, and differ with the seed") {
  auto arrivals = [](const std::string& variant, const std::string& seed) {
    return simulate_and(load_variant("tests/fixtures/requests_common_draws.yaml", variant,
                                     {{"runtime.seed", seed, "--seed " + seed}}),
                        [](const Timeline& t) {
                          std::ostringstream out;
                          out.precision(17);
                          for (const RequestRecord& r : t.requests) out << r.arrival << "\n";
                          return out.str();
                        });
  };
  CHECK(arrivals("one-thread", "1") == arrivals("four-threads", "1"));
  CHECK(arrivals("one-thread", "1") != arrivals("one-thread", "2"));
}

TEST_CASE("a thread-pool server past its capacity is reported as saturated, with its figures") {
  // 8 threads, 4 ms of Python per request under one GIL: at most 1 / 4 ms = 250 requests/s.
  // At 300/s the 3000 requests arrive within about 10 s, and by then at most 250 x 10 = 2500
  // are served: 500 or more are still queued (more than 5% of 3000 = 150).
  const Summary over = simulate_summary(load_variant("scenarios/seed/thread_pool_load.yaml", "rate-300"));
  const LatencyStats& o = only_source(over);
  CHECK(o.saturated);
  CHECK(o.throughput <= 250.0);
  CHECK(o.queue_at_last_arrival >= 400);
  CHECK(o.count == 3000);
  // At 100/s the pool keeps up: what arrives is served at the rate it arrives (within the 24 ms
  // a request takes, over a 30 s run: 0.1%).
  const Summary under = simulate_summary(load_variant("scenarios/seed/thread_pool_load.yaml", "rate-100"));
  const LatencyStats& u = only_source(under);
  CHECK_FALSE(u.saturated);
  CHECK_REL(u.throughput, u.offered, 0.002);
  CHECK(u.queue_at_last_arrival < 10);
}

TEST_CASE("an asyncio server's p99 grows with the switch interval beside a CPU-bound thread") {
  std::vector<double> p99;
  for (const char* variant : {"alone", "background-1ms", "background-5ms", "background-15ms"}) {
    const Summary s = simulate_summary(load_variant("scenarios/seed/asyncio_server_latency.yaml", variant));
    CAPTURE(variant);
    CHECK_FALSE(only_source(s).saturated);
    p99.push_back(only_source(s).p99);
  }
  // Alone, a request takes 13 ms plus the wait for other tasks' Python: its p99 stays under
  // 13 ms + a few tasks' 3 ms. Beside the thread, each of its 3 returns to the loop (arrival,
  // end of the await) waits up to one interval for the GIL: p99 over 13 ms + 2 intervals.
  CHECK(p99[0] < 13e-3 + 4 * 3e-3);
  CHECK(p99[1] > p99[0]);
  CHECK(p99[2] > p99[1]);
  CHECK(p99[3] > p99[2]);
  CHECK(p99[3] > 13e-3 + 2 * 15e-3);
}

TEST_CASE("processes serving one source share it as pre-forked workers, each with its own GIL") {
  // A request every 6.667 ms, each 8 ms of Python. Two processes: the workers take turns (the
  // one idle longest takes the next request), each request runs alone on its own core and GIL:
  // exactly 8 ms, never queued.
  const LatencyStats forked = only_source(simulate_summary(load_variant("tests/fixtures/requests_prefork.yaml", "processes-2")));
  CHECK(forked.count == 300);
  CHECK_ABS(forked.mean, 8e-3, kNs);
  CHECK_ABS(forked.max, 8e-3, kNs);
  CHECK_ABS(part(forked, RequestPart::GilWait), 0, kNs);
  // Two threads of one process: each request arrives 8 - 6.667 = 1.333 ms before the previous
  // one ends, and waits at least that long for the GIL.
  const LatencyStats threads = only_source(simulate_summary(load_variant("tests/fixtures/requests_prefork.yaml", "threads-2")));
  CHECK(part(threads, RequestPart::GilWait) > 1.3e-3);
  CHECK(threads.mean > 8e-3 + 1.3e-3);
}
