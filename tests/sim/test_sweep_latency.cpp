// gilsim sweep over an arrival rate (README "Requests"): the latency columns, results.json and
// latency.svg, through the command line as a user runs it.
#include <doctest/doctest.h>

#include <string>

#include <yaml-cpp/yaml.h>

#include "tests/sim/CommandRunner.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim::testing;

namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("sweep over the arrival rate: latency per load, saturation past capacity, and latency.svg") {
  // md1_check: one thread, 10 ms of Python per request: 100 requests/s at most. 20,000 requests
  // at 125/s arrive over about 160 s while at most 100 x 160 = 16,000 are served: about 4,000
  // (20%) still queue at the last arrival, at least 20,000 - 100 x (that arrival's time).
  TempDir dir("latency");
  const CommandResult r = run_gilsim("sweep scenarios/seed/md1_check.yaml --no-progress --out " + dir.path +
                                     " --cores 1 --set workload.requests[0].arrivals.rate=25,50,75,125");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const YAML::Node rows = YAML::LoadFile(dir / "results.json")["rows"];
  REQUIRE(rows.size() == 4);
  double previous_p99 = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const YAML::Node latency = rows[i]["latency"][0];
    CAPTURE(i);
    CHECK(latency["count"].as<int>() == 20000);
    CHECK(latency["saturated"].as<bool>() == (i == 3));
    CHECK(latency["p99_s"].as<double>() > previous_p99);  // the tail grows with the load
    previous_p99 = latency["p99_s"].as<double>();
  }
  const double last_arrival = 20000 / rows[3]["latency"][0]["offered_per_s"].as<double>();
  CHECK(rows[3]["latency"][0]["queue_at_last_arrival"].as<double>() >= 20000 - 100 * last_arrival);
  CHECK(rows[3]["latency"][0]["queue_at_last_arrival"].as<double>() > 0.15 * 20000);
  CHECK(rows[3]["latency"][0]["throughput_per_s"].as<double>() <= 100.0);
  // The sweep's row is the run's own summary: the same figures as gilsim run at that rate.
  const CommandResult single =
      run_gilsim("run scenarios/seed/md1_check.yaml --set workload.requests[0].arrivals.rate=50 --json");
  REQUIRE(single.exit_code == 0);
  const YAML::Node run = YAML::Load(single.out)["variants"][0]["latency"][0];
  CHECK(rows[1]["latency"][0]["p99_s"].as<std::string>() == run["p99_s"].as<std::string>());
  CHECK(rows[1]["latency"][0]["mean_s"].as<std::string>() == run["mean_s"].as<std::string>());
  // The table has the latency columns, and the saturated row says so.
  CHECK(r.out.find("p50") != std::string::npos);
  CHECK(count_of(r.out, "saturated") >= 1);
  // latency.svg: one series of 4 loads, p99 and p50 each a line of 4 points (one open: saturated),
  // plus the legend's open circle.
  const std::string svg = read_file(dir / "latency.svg");
  CHECK(count_of(svg, "<polyline") == 2);
  CHECK(count_of(svg, "<circle") == 4 * 2 + 1);
  CHECK(count_of(svg, "fill=\"#ffffff\" stroke=") == 2 + 1);
}

TEST_CASE("a sweep without requests writes no latency.svg and no latency columns") {
  TempDir dir("no_latency");
  const CommandResult r = run_gilsim("sweep scenarios/sweep/cpu_bound.yaml --no-progress --out " + dir.path +
                                     " --cores 1 --strategy processes");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_FALSE(std::filesystem::exists(dir / "latency.svg"));
  CHECK(r.out.find("p99") == std::string::npos);
}
