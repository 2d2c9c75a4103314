// Case metrics (sim/validation/CaseMetrics) on small hand-made traces, with hand-computed values.
// Values below 1 are compared with epsilon 1e-12, which doctest applies as an absolute bound.
#include <doctest/doctest.h>

#include "sim/validation/CaseMetrics.hpp"

using namespace gilsim;

namespace {

constexpr double ms = 1e-3;
constexpr double us = 1e-6;

// Two workers of process "main" share the GIL in a "cpu" span each; an "io" thread makes four
// 1 ms sleeps at 0, 2, 4 and 6 ms. Runs: w[0] 0-5, 5.03-5.06 (a 30 us pause: merged at a 50 us
// resolution), w[1] 5.11-10.1, w[0] 10.15-15.1, w[1] 15.2-20.
SpanTrace two_workers() {
  SpanTrace t;
  t.spans = {{"main", "w[0]", "cpu", "cpu", 0, 15.1 * ms}, {"main", "w[1]", "cpu", "cpu", 0, 20 * ms},
             {"main", "io", "sleep", "sleep", 0, 1 * ms},   {"main", "io", "sleep", "sleep", 2 * ms, 3 * ms},
             {"main", "io", "sleep", "sleep", 4 * ms, 5 * ms}, {"main", "io", "sleep", "sleep", 6 * ms, 7 * ms}};
  t.runs = {{"main", "w[0]", "cpu", "cpu", 0, 5 * ms},           {"main", "w[0]", "cpu", "cpu", 5.03 * ms, 5.06 * ms},
            {"main", "w[1]", "cpu", "cpu", 5.11 * ms, 10.1 * ms}, {"main", "w[0]", "cpu", "cpu", 10.15 * ms, 15.1 * ms},
            {"main", "w[1]", "cpu", "cpu", 15.2 * ms, 20 * ms}};
  return t;
}

MetricSpec metric(MetricKind kind, Selector measured, Statistic stat = Statistic::Median) {
  MetricSpec m;
  m.kind = kind;
  m.statistic = stat;
  m.measured = measured;
  return m;
}

double value(const MetricSpec& m, const SpanTrace& t) {
  const MetricValue v = metric_value(m, Side::Measured, t, 50 * us);
  REQUIRE_MESSAGE(v.ok, v.error);
  return v.value;
}

}  // namespace

TEST_CASE("patterns: '*' matches any text, '|' separates alternatives, brackets are plain characters") {
  CHECK(pattern_matches("worker*", "worker[0]"));
  CHECK(pattern_matches("worker[0]", "worker[0]"));
  CHECK_FALSE(pattern_matches("worker[0]", "worker0"));
  CHECK(pattern_matches("sleep|io", "io"));
  CHECK(pattern_matches("*ms", "tcp-c1-i5ms"));
  CHECK_FALSE(pattern_matches("*ms", "tcp-c1-i5ms-pin"));
  CHECK(pattern_matches("*-c0|*-c0-pin", "sleep-c0-pin"));
  CHECK(pattern_matches("", ""));
  CHECK_FALSE(pattern_matches("", "x"));
}

TEST_CASE("GIL metrics merge a thread's runs over the pause resolution, then count hand-overs between threads") {
  const SpanTrace t = two_workers();
  const Selector workers{"", "w*", "", "cpu"};
  // Merged runs: w[0] 0-5.06, w[1] 5.11-10.1, w[0] 10.15-15.1, w[1] 15.2-20: 3 hand-overs over
  // 0-20 ms = 150/s.
  CHECK(value(metric(MetricKind::HandoverRate, workers), t) == doctest::Approx(150.0).epsilon(1e-12));
  // Lengths 5.06, 4.99, 4.95, 4.8 ms: nearest-rank median (2nd of 4) 4.95 ms, max 5.06 ms.
  CHECK(value(metric(MetricKind::RunLength, workers), t) == doctest::Approx(4.95 * ms).epsilon(1e-12));
  CHECK(value(metric(MetricKind::RunLength, workers, Statistic::Max), t) == doctest::Approx(5.06 * ms).epsilon(1e-12));
  // Gaps at the hand-overs: 50, 50, 100 us: median 50 us.
  CHECK(value(metric(MetricKind::HandoverGap, workers), t) == doctest::Approx(50 * us).epsilon(1e-12));
  // At a 10 us resolution the 30 us pause splits w[0]'s first run: 5 runs of 5, 0.03, 4.99, 4.95
  // and 4.8 ms, whose median (the 3rd of 5) is still 4.95 ms; the first is then 5 ms.
  const MetricValue fine = metric_value(metric(MetricKind::RunLength, workers), Side::Measured, t, 10 * us);
  CHECK(fine.value == doctest::Approx(4.95 * ms).epsilon(1e-12));
  MetricSpec longest = metric(MetricKind::RunLength, workers, Statistic::Max);
  CHECK(metric_value(longest, Side::Measured, t, 10 * us).value == doctest::Approx(5 * ms).epsilon(1e-12));
  // Python share of w[1]'s cpu span: (4.99 + 4.8) ms of 20 ms.
  CHECK(value(metric(MetricKind::PythonShare, {"", "w[1]", "", ""}), t) == doctest::Approx(9.79 / 20).epsilon(1e-12));
}

TEST_CASE("span metrics: makespan, duration statistics and a rate within a window") {
  const SpanTrace t = two_workers();
  CHECK(value(metric(MetricKind::Makespan, {}), t) == doctest::Approx(20 * ms).epsilon(1e-12));
  CHECK(value(metric(MetricKind::Duration, {"", "io", "", ""}, Statistic::Mean), t) == doctest::Approx(1 * ms).epsilon(1e-12));
  // 4 sleeps ending at 1, 3, 5 and 7 ms over their extent 0-7 ms: 571.4/s.
  CHECK(value(metric(MetricKind::Rate, {"", "io", "", ""}), t) == doctest::Approx(4 / 7e-3).epsilon(1e-12));
  // While w[0]'s cpu span runs... with a window of 2.5 ms to 15.1 ms (a span from 2.5 ms):
  SpanTrace windowed = t;
  windowed.spans.push_back({"main", "late", "cpu", "cpu", 2.5 * ms, 15.1 * ms});
  MetricSpec rate = metric(MetricKind::Rate, {"", "io", "", ""});
  rate.has_window = true;
  rate.measured_window = {"", "late", "", ""};
  // The window is [2.5, 7] ms (the sleeps' extent ends at 7): sleeps ending at 3, 5 and 7 ms: 3 / 4.5 ms.
  CHECK(value(rate, windowed) == doctest::Approx(3 / 4.5e-3).epsilon(1e-12));
}

TEST_CASE("a metric whose selector matches nothing has no value and says why") {
  const SpanTrace t = two_workers();
  const MetricValue none = metric_value(metric(MetricKind::Makespan, {"", "nobody", "", ""}), Side::Measured, t, 50 * us);
  CHECK_FALSE(none.ok);
  CHECK(none.error == "no span matches {thread: nobody}");
  const MetricValue no_runs = metric_value(metric(MetricKind::HandoverRate, {"", "io", "", ""}), Side::Measured, t, 50 * us);
  CHECK_FALSE(no_runs.ok);
  CHECK(no_runs.error == "no GIL run matches {thread: io}");
  const MetricValue single = metric_value(metric(MetricKind::HandoverGap, {"", "w[1]", "", ""}), Side::Measured, t, 50 * us);
  CHECK(single.error == "the GIL never changes hands between the selected runs");
}

namespace {

// Five requests of "http" from a load generator, latencies 4, 1, 3, 2 and 10 ms (sent at 0, 10,
// 20, 30, 40 ms), and one of another source; a "handle" span of the server.
SpanTrace five_requests() {
  SpanTrace t;
  t.spans = {{"main", "MainThread", "handle", "handle", 0, 1 * ms}};
  t.requests = {{"client", "load", "http", "http", 0, 4 * ms},          {"client", "load", "http", "http", 10 * ms, 11 * ms},
                {"client", "load", "http", "http", 20 * ms, 23 * ms},   {"client", "load", "http", "http", 30 * ms, 32 * ms},
                {"client", "load", "http", "http", 40 * ms, 50 * ms},   {"client", "load", "admin", "admin", 0, 100 * ms}};
  return t;
}

}  // namespace

TEST_CASE("latency metrics read the requests' spans: nearest-rank percentiles, as gilsim's request summary") {
  const SpanTrace t = five_requests();
  const Selector http{"", "", "http", ""};
  // Sorted latencies 1, 2, 3, 4, 10 ms: median = the ceil(0.5 x 5) = 3rd = 3 ms; p99 = the
  // ceil(4.95) = 5th = 10 ms; p90 = the ceil(4.5) = 5th = 10 ms; mean 20 / 5 = 4 ms.
  CHECK(value(metric(MetricKind::Latency, http), t) == doctest::Approx(3 * ms).epsilon(1e-12));
  CHECK(value(metric(MetricKind::Latency, http, Statistic::P99), t) == doctest::Approx(10 * ms).epsilon(1e-12));
  CHECK(value(metric(MetricKind::Latency, http, Statistic::Mean), t) == doctest::Approx(4 * ms).epsilon(1e-12));
  // Negative control: every source (the 100 ms "admin" request too): 6 latencies, median the
  // 3rd = 3 ms, but p99 = the 6th = 100 ms, and the server's own spans are never requests.
  CHECK(value(metric(MetricKind::Latency, {}, Statistic::P99), t) == doctest::Approx(100 * ms).epsilon(1e-12));
  const MetricValue spans = metric_value(metric(MetricKind::Latency, {"", "", "handle", ""}), Side::Measured, t, 50 * us);
  CHECK(spans.error == "no request matches {span: handle}");
}

TEST_CASE("p99 is nearest-rank with the summary's rounding: of 100 latencies 1..100 ms it is the 99th") {
  SpanTrace t;
  for (int i = 1; i <= 100; ++i) t.requests.push_back({"client", "load", "http", "http", 0, i * ms});
  // 0.99 x 100 is 99.00000000000001 in binary: a plain ceil would take the 100th (100 ms).
  CHECK(value(metric(MetricKind::Latency, {}, Statistic::P99), t) == doctest::Approx(99 * ms).epsilon(1e-12));
}

TEST_CASE("a latency metric asked of a trace without requests says so, on either side") {
  const SpanTrace t = two_workers();
  const MetricValue measured = metric_value(metric(MetricKind::Latency, {}), Side::Measured, t, 50 * us);
  CHECK_FALSE(measured.ok);
  CHECK(measured.error == "a latency metric needs request spans, and the trace has none (events with \"cat\": \"request\", "
                          "which vtrace's Trace.request() writes)");
  const MetricValue simulated = metric_value(metric(MetricKind::Latency, {}), Side::Simulated, t, 50 * us);
  CHECK(simulated.error == "a latency metric needs requests, and the scenario has none (workload.requests)");
  const MetricValue other = metric_value(metric(MetricKind::Latency, {"", "", "grpc", ""}), Side::Measured, five_requests(), 50 * us);
  CHECK(other.error == "no request matches {span: grpc}");
}
