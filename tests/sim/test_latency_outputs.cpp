// Request latencies in gilsim run's outputs, through the command line: the latency histogram
// (--latency-svg), its refusal for a scenario without requests, and determinism.
#include <doctest/doctest.h>

#include <string>

#include "tests/sim/CommandRunner.hpp"

using namespace gilsim::testing;

namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("--latency-svg draws a log-scale histogram of request latencies with p50, p99 and p99.9") {
  // requests_from_file.yaml: latencies 2, 3, 5, 5.5, 2 ms. Bins of a twentieth of a decade from
  // 1 ms: log10(2 ms) = -2.699 falls in bin floor(20 x 0.301) = 6, 3 ms (-2.523) in bin
  // floor(9.54) = 9, 5 ms (-2.301) in bin 13, 5.5 ms (-2.260) in bin 14: four bars, the first
  // of two requests.
  TempDir dir("histogram");
  const CommandResult r =
      run_gilsim("run tests/fixtures/requests_from_file.yaml --latency-svg " + (dir / "latency.svg"));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string svg = read_file(dir / "latency.svg");
  CHECK(count_of(svg, " requests</title></rect>") == 4);  // the bars (the background is a rect too)
  CHECK(count_of(svg, "<title>2 requests</title>") == 1);
  CHECK(svg.find("p50 3ms") != std::string::npos);      // nearest rank: the 3rd of 5
  CHECK(svg.find("p99 5.5ms") != std::string::npos);    // the 5th
  CHECK(svg.find("p99.9 5.5ms") != std::string::npos);
  // The same run draws the same bytes.
  const CommandResult again =
      run_gilsim("run tests/fixtures/requests_from_file.yaml --latency-svg " + (dir / "again.svg"));
  REQUIRE(again.exit_code == 0);
  CHECK(read_file(dir / "again.svg") == svg);
}

TEST_CASE("--latency-svg of a scenario without requests is an error where its workload is") {
  TempDir dir("no_requests");
  const CommandResult r = run_gilsim("run scenarios/seed/io_bound.yaml --latency-svg " + (dir / "latency.svg"));
  CHECK(r.exit_code == 2);
  CHECK(r.err == "scenarios/seed/io_bound.yaml:11:3: error: --latency-svg asks for request latencies, but the scenario has no requests: add "
                 "workload.requests and a handler (README \"Requests\")\n");
  CHECK_FALSE(std::filesystem::exists(dir / "latency.svg"));
}

TEST_CASE("--trace shows each request as an async slice, with a nested queue slice while it waited") {
  // requests_from_file.yaml: requests 1, 2 and 3 waited (1, 3 and 3.5 ms), 0 and 4 did not.
  TempDir dir("trace");
  const CommandResult r = run_gilsim("run tests/fixtures/requests_from_file.yaml --trace " + (dir / "t.json"));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string trace = read_file(dir / "t.json");
  CHECK(count_of(trace, "{\"ph\":\"b\",\"pid\":1000001") == 5 + 3);
  CHECK(count_of(trace, "{\"ph\":\"e\",\"pid\":1000001") == 5 + 3);
  CHECK(count_of(trace, "\"name\":\"queue\"") == 2 * 3);
  // Request 2 arrived at 1 ms and was taken at 4 ms: its queue slice ends at 4000 us.
  CHECK(trace.find("{\"ph\":\"e\",\"pid\":1000001,\"tid\":0,\"ts\":4000.000,\"cat\":\"request\",\"id\":\"0:2\","
                   "\"name\":\"queue\"}") != std::string::npos);
  CHECK(trace.find("\"queue_us\":3500.000") != std::string::npos);  // request 3
}

TEST_CASE("the latency table and --json of a request scenario are the same at every run") {
  const CommandResult a = run_gilsim("run scenarios/seed/thread_pool_load.yaml --variant rate-150 --json");
  const CommandResult b = run_gilsim("run scenarios/seed/thread_pool_load.yaml --variant rate-150 --json");
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);
  for (const char* key : {"\"latency\": [", "\"p99_9_s\"", "\"throughput_per_s\"", "\"saturated\": false",
                          "\"mean_parts_s\": {\"queue\""})
    CHECK(a.out.find(key) != std::string::npos);
}
