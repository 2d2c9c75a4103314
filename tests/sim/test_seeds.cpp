// `--seeds N` through the command line: gilsim run and gilsim sweep report means over seeds with
// 95% confidence intervals and choose the best with a tie band (README "Seeds: intervals and
// ties").
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/sim/CommandRunner.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim::testing;

namespace {

const char* const kUniform = "tests/fixtures/seeds_uniform_io.yaml";
const char* const kRequests = "tests/fixtures/seeds_requests.yaml";

// The line of `text` that starts with `start`.
std::string line_starting(const std::string& text, const std::string& start) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(start, 0) == 0) return line;
  return "";
}

YAML::Node variant_named(const YAML::Node& doc, const std::string& name) {
  for (const auto& v : doc["variants"])
    if (v["variant"].as<std::string>() == name) return v;
  return YAML::Node();
}

// The makespans of seeds 1 to 5 of tests/fixtures/seeds_uniform_io.yaml's `base`: 10 ms + 10 ms
// x u, u the first uniform of Rng::for_stream(seed, 0) (splitmix64, sim/util/Rng.hpp):
// u = 0.497172, 0.091392, 0.466966, 0.397148, 0.129763.
const std::vector<double> kBase = {0.014971717, 0.010913924, 0.014669663, 0.013971485, 0.011297628};

}  // namespace

TEST_CASE("run --seeds 5: each seed's makespan, their mean and 95% interval, and the tie band") {
  const CommandResult r = run_gilsim(std::string("run ") + kUniform + " --seeds 5 --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const YAML::Node doc = YAML::Load(r.out);
  CHECK(doc["seeds"]["count"].as<int>() == 5);
  CHECK(doc["seeds"]["degrees_of_freedom"].as<int>() == 4);
  CHECK_ABS(doc["seeds"]["t_quantile"].as<double>(), 2.776445, 1e-6);
  const YAML::Node base = variant_named(doc, "base");
  REQUIRE(base["makespan_s"]["values"].size() == 5);
  for (std::size_t i = 0; i < kBase.size(); ++i) CHECK_ABS(base["makespan_s"]["values"][i].as<double>(), kBase[i], 1e-9);
  // Mean (14.971717 + 10.913924 + 14.669663 + 13.971485 + 11.297628) / 5 = 65.824417 / 5 =
  // 13.164883 ms. Deviations 1.806834, -2.250960, 1.504780, 0.806602, -1.867256 ms; squares
  // 3.264649 + 5.066820 + 2.264362 + 0.650606 + 3.486644 = 14.733081; s^2 = 14.733081 / 4 =
  // 3.683270, s = 1.919185 ms; half width 2.776445 x 1.919185 / sqrt(5) = 2.382983 ms.
  CHECK_ABS(base["makespan_s"]["mean"].as<double>(), 0.013164883, 1e-9);
  CHECK_ABS(base["makespan_s"]["half_width"].as<double>(), 0.002382983, 1e-9);
  CHECK(base["runs"].size() == 5);
  CHECK(base["first_seed"].as<int>() == 1);
  // shifted is the same draws plus 0.2 ms of Python: 13.364883 ms ± 2.382983 ms, overlapping
  // base's [10.781900, 15.547866] ms: tied. slower is 30 ms later: [40.781900, 45.547866] ms,
  // apart.
  const YAML::Node shifted = variant_named(doc, "shifted"), slower = variant_named(doc, "slower");
  CHECK_ABS(shifted["makespan_s"]["mean"].as<double>(), 0.013364883, 1e-8);
  CHECK_ABS(shifted["makespan_s"]["half_width"].as<double>(), 0.002382983, 1e-8);
  CHECK_ABS(slower["makespan_s"]["mean"].as<double>(), 0.043164883, 1e-8);
  CHECK(base["rank"].as<std::string>() == "tied");
  CHECK(shifted["rank"].as<std::string>() == "tied");
  CHECK(slower["rank"].as<std::string>() == "");

  // The text: the same figures, the tied ones marked, one line per variant in words.
  const CommandResult text = run_gilsim(std::string("run ") + kUniform + " --seeds 5");
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.find("5 seeds (runtime.seed 1 to 5)") != std::string::npos);
  CHECK(line_starting(text.out, "base ").find("13.165ms ± 2.383ms") != std::string::npos);
  CHECK(line_starting(text.out, "base ").find("<- tied fastest") != std::string::npos);
  CHECK(line_starting(text.out, "shifted ").find("<- tied fastest") != std::string::npos);
  CHECK(line_starting(text.out, "slower ").find("<-") == std::string::npos);
  CHECK(text.out.find("[base] makespan 13.1649ms ± 2.38298ms (95% CI, 5 seeds)\n") != std::string::npos);

  // Negative control: base against slower alone is a clear win, not a tie.
  const CommandResult apart = run_gilsim(std::string("run ") + kUniform + " --seeds 5 --variant base --variant slower");
  REQUIRE_MESSAGE(apart.exit_code == 0, apart.err);
  CHECK(line_starting(apart.out, "base ").find("<- fastest") != std::string::npos);
  CHECK(apart.out.find("tied fastest") == std::string::npos);
}

TEST_CASE("run --seeds N runs runtime.seed to runtime.seed + N - 1: the same runs as --seed one by one") {
  const CommandResult seeded = run_gilsim(std::string("run ") + kUniform + " --variant base --seed 3 --seeds 2 --json");
  REQUIRE_MESSAGE(seeded.exit_code == 0, seeded.err);
  const YAML::Node doc = YAML::Load(seeded.out);
  CHECK(doc["variants"][0]["first_seed"].as<int>() == 3);
  for (int k = 0; k < 2; ++k) {
    const CommandResult one = run_gilsim(std::string("run ") + kUniform + " --variant base --json --seed " + std::to_string(3 + k));
    REQUIRE(one.exit_code == 0);
    const YAML::Node single = YAML::Load(one.out)["variants"][0];
    CHECK(doc["variants"][0]["makespan_s"]["values"][k].as<double>() == single["makespan_s"].as<double>());
    CHECK_ABS(single["makespan_s"].as<double>(), kBase[2 + k], 1e-9);
  }
}

TEST_CASE("run --seeds with requests: mean, p50, p99 and throughput per source over the seeds") {
  const CommandResult r = run_gilsim(std::string("run ") + kRequests + " --seeds 3 --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const YAML::Node doc = YAML::Load(r.out);
  for (const char* name : {"one-thread", "two-threads"}) {
    CAPTURE(name);
    const YAML::Node latency = variant_named(doc, name)["latency"][0];
    CHECK(latency["source"].as<std::string>() == "http");
    // The three runs of --seed 1, 2, 3: the aggregate is their mean ± t(0.975, 2) s / sqrt(3),
    // t(0.975, 2) = 4.302653 (a printed table: 4.303).
    for (const char* figure : {"mean_s", "p50_s", "p99_s", "throughput_per_s"}) {
      CAPTURE(figure);
      std::vector<double> values;
      for (int seed = 1; seed <= 3; ++seed) {
        const CommandResult one =
            run_gilsim(std::string("run ") + kRequests + " --json --variant " + name + " --seed " + std::to_string(seed));
        REQUIRE(one.exit_code == 0);
        values.push_back(YAML::Load(one.out)["variants"][0]["latency"][0][figure].as<double>());
      }
      const double mean = (values[0] + values[1] + values[2]) / 3;
      double squares = 0;
      for (double v : values) squares += (v - mean) * (v - mean);
      const double half = 4.302653 * std::sqrt(squares / 2) / std::sqrt(3.0);
      CHECK(half > 0);  // the seeds differ
      CHECK_REL(latency[figure]["mean"].as<double>(), mean, 1e-6);
      CHECK_REL(latency[figure]["half_width"].as<double>(), half, 1e-5);
    }
  }
  // Open loop: no variant is the fastest (the makespan is the arrivals' span); the lowest p99 is
  // marked instead, with the ones whose interval overlaps it tied.
  int marked = 0;
  for (const auto& v : doc["variants"]) {
    CHECK(v["rank"].as<std::string>() == "");
    marked += v["latency"][0]["rank"].as<std::string>() != "";
  }
  CHECK(marked >= 1);
  const CommandResult text = run_gilsim(std::string("run ") + kRequests + " --seeds 3");
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("lowest p99") != std::string::npos);
  CHECK(text.out.find("fastest") == std::string::npos);
  CHECK(text.out.find("http p99 ") != std::string::npos);
}

TEST_CASE("run --seeds gives the same document with the fast and the reference GIL engine") {
  // Each seed is a whole run, so the engines must agree seed by seed; with two variants of
  // threads handing the GIL over, the aggregated JSON (means, intervals and every run) is
  // byte-identical. Negative control: a different first seed gives another document.
  const std::string command = std::string("run ") + kRequests + " --seeds 3 --json --gil-model ";
  const CommandResult fast = run_gilsim(command + "fast"), reference = run_gilsim(command + "reference");
  REQUIRE_MESSAGE(fast.exit_code == 0, fast.err);
  REQUIRE_MESSAGE(reference.exit_code == 0, reference.err);
  CHECK(YAML::Load(fast.out)["variants"][1]["gil_switches"]["mean"].as<double>() > 0);
  CHECK(fast.out == reference.out);
  const CommandResult other = run_gilsim(command + "fast --seed 2");
  REQUIRE_MESSAGE(other.exit_code == 0, other.err);
  CHECK(other.out != fast.out);
}

TEST_CASE("--seeds refuses a count outside 2 to 1000 and outputs of a single run") {
  const std::string expected =
      "error: expected the number of seeds, an integer from 2 to 1000 (an interval needs at least 2; each seed is a "
      "whole run)";
  for (const std::string bad : {"0", "1", "1001", "abc", "2.5", "''"}) {
    CAPTURE(bad);
    CHECK(refusal_of(std::string("run ") + kUniform + " --seeds " + bad).find("--seeds " + bad + ": " + expected) !=
          std::string::npos);
  }
  CHECK(refusal_of(std::string("run ") + kUniform + " --seeds=-3").find("--seeds -3: " + expected) != std::string::npos);
  CHECK(refusal_of(std::string("run ") + kUniform + " --seeds 3 --trace /tmp/x.json")
            .find("--seeds 3: error: --trace shows one run, and --seeds runs 3 per variant") != std::string::npos);
  CHECK(refusal_of(std::string("run ") + kUniform + " --seeds 3 --threads").find("--threads shows one run") !=
        std::string::npos);
  CHECK(refusal_of(std::string("run ") + kUniform + " --seeds 3 --seed 18446744073709551615")
            .find("--seeds 3: error: runtime.seed 18446744073709551615 plus 2 passes the largest seed") != std::string::npos);
  // The sweep takes the same count.
  TempDir dir("seeds_bad");
  CHECK(refusal_of(std::string("sweep ") + kUniform + " --out " + dir.path + " --cores 1 --seeds 0")
            .find("--seeds 0: " + expected) != std::string::npos);
  CHECK(refusal_of("sweep --collect " + dir.path + " --seeds 3").find("leave out --seeds") != std::string::npos);
}

TEST_CASE("sweep --seeds 5: one row per configuration with its interval, and the best chosen with a tie band") {
  TempDir dir("seeds_sweep");
  const CommandResult r =
      run_gilsim(std::string("sweep ") + kUniform + " --out " + dir.path + " --cores 1 --seeds 5 -j 2 --no-progress");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const YAML::Node results = YAML::LoadFile(dir / "results.json");
  REQUIRE(results["rows"].size() == 3);  // 3 strategies x 1 core: the seeds are not rows
  std::map<std::string, YAML::Node> rows;
  for (const YAML::Node& row : results["rows"]) rows.emplace(row["strategy"].as<std::string>(), row);
  // The same figures as run --seeds 5 (hand-computed there): 13.164883 ms ± 2.382983 ms.
  CHECK(rows["base"]["seeds"].as<int>() == 5);
  CHECK_ABS(rows["base"]["makespan_s"].as<double>(), 0.013164883, 1e-9);
  CHECK_ABS(rows["base"]["makespan_ci_s"].as<double>(), 0.002382983, 1e-9);
  CHECK(rows["base"]["best"].as<bool>());
  CHECK_FALSE(rows["base"]["tied"].as<bool>());
  CHECK(rows["shifted"]["tied"].as<bool>());    // 13.365 ms ± 2.383 ms overlaps the best one's interval
  CHECK_FALSE(rows["slower"]["tied"].as<bool>());  // 43.165 ms ± 2.383 ms does not
  CHECK(results["best"][0]["tied_with"].size() == 1);
  CHECK(results["best"][0]["tied_with"][0].as<std::string>() == "shifted");
  const std::string table = read_file(dir / "results.txt");
  CHECK(line_starting(table, "base ").find("13.165ms ± 2.383ms") != std::string::npos);
  CHECK(line_starting(table, "base ").find("tied") != std::string::npos);
  CHECK(line_starting(table, "shifted ").find("tied") != std::string::npos);
  CHECK(line_starting(table, "slower ").find("tied") == std::string::npos);
  CHECK(read_file(dir / "explanation.txt").find("best strategy: base, tied with shifted at 1 core\n") != std::string::npos);
  CHECK(line_starting(read_file(dir / "results.csv"), "strategy,").find(",seeds,makespan_ci_s,tied") != std::string::npos);

  // Negative control: base against slower alone has one best, no tie.
  TempDir apart("seeds_sweep_apart");
  const CommandResult a = run_gilsim(std::string("sweep ") + kUniform + " --out " + apart.path +
                                     " --cores 1 --seeds 5 --strategy base,slower --no-progress");
  REQUIRE_MESSAGE(a.exit_code == 0, a.err);
  CHECK(read_file(apart / "explanation.txt").find("best strategy: base at 1 core\n") != std::string::npos);
  CHECK(line_starting(read_file(apart / "results.txt"), "base ").find("best") != std::string::npos);
  CHECK(line_starting(read_file(apart / "results.txt"), "slower ").find("tied") == std::string::npos);
}

TEST_CASE("sweep --seeds 3 with requests: p50, p99 and served/s with the intervals of run --seeds 3") {
  TempDir dir("seeds_sweep_requests");
  const CommandResult r = run_gilsim(std::string("sweep ") + kRequests + " --out " + dir.path +
                                     " --cores 2 --seeds 3 --strategy one-thread -j 1 --no-progress");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const CommandResult run = run_gilsim(std::string("run ") + kRequests + " --variant one-thread --seeds 3 --json");
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const YAML::Node latency = YAML::Load(run.out)["variants"][0]["latency"][0];
  const YAML::Node row = YAML::LoadFile(dir / "results.json")["rows"][0];
  // The row is the same three runs, aggregated the same way: its means and half widths are
  // run --seeds 3's, printed with the same nanosecond resolution.
  CHECK(row["seeds"].as<int>() == 3);
  // (The row's mean is summed as value / 3 per seed, run's as the sum / 3: equal to 1 ns.)
  CHECK_ABS(row["latency"][0]["p99_s"].as<double>(), latency["p99_s"]["mean"].as<double>(), 1e-9);
  const YAML::Node ci = row["latency_ci"][0];
  CHECK(ci["source"].as<std::string>() == "http");
  CHECK(ci["p50_s"].as<double>() == latency["p50_s"]["half_width"].as<double>());
  CHECK(ci["p99_s"].as<double>() == latency["p99_s"]["half_width"].as<double>());
  CHECK(ci["p99_s"].as<double>() > 0);  // the seeds differ
  // The table shows them as mean ± half width; the CSV has their half widths.
  const std::string line = line_starting(read_file(dir / "results.txt"), "one-thread ");
  CHECK(line.find(" ± ") != std::string::npos);
  CHECK(line_starting(read_file(dir / "results.csv"), "strategy,").find(",seeds,makespan_ci_s,tied,p50_ci_s,p99_ci_s") !=
        std::string::npos);
}

TEST_CASE("sweep without --seeds keeps its outputs: no seeds key, column or interval") {
  TempDir dir("seeds_sweep_none");
  const CommandResult r = run_gilsim(std::string("sweep ") + kUniform + " --out " + dir.path + " --cores 1 --no-progress");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(read_file(dir / "sweep.json").find("\"seeds\"") == std::string::npos);
  CHECK(read_file(dir / "results.json").find("\"seeds\"") == std::string::npos);
  CHECK(read_file(dir / "results.csv").find("seeds") == std::string::npos);
  CHECK(read_file(dir / "results.txt").find("±") == std::string::npos);
}
