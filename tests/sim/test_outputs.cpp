// Outputs a user relies on: write errors reported (issue 15 repro 06), bounded traces (repro 12),
// output folders created and checked before a run, plots on a common time axis, and the
// command line's own help and version.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/sim/CommandRunner.hpp"

using namespace gilsim::testing;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

// The text between `open` and the next `close` after it ("" when absent).
std::string section(const std::string& text, const std::string& open, const std::string& close) {
  const std::size_t begin = text.find(open);
  if (begin == std::string::npos) return "";
  const std::size_t end = text.find(close, begin + open.size());
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

}  // namespace

TEST_CASE("repro 06: write errors are reported: a full disk, a closed stdout, a directory") {
  const std::string convoy = "run scenarios/seed/convoy.yaml ";
  CommandResult trace = run_gilsim(convoy + "--trace /dev/full");
  CHECK(trace.exit_code == 1);
  CHECK(trace.err == "/dev/full: error: cannot write the file: No space left on device\n");
  CommandResult svg = run_gilsim(convoy + "--svg /dev/full");
  CHECK(svg.exit_code == 1);
  CHECK(svg.err == "/dev/full: error: cannot write the file: No space left on device\n");
  CommandResult json = run_gilsim(convoy + "--json > /dev/full");
  CHECK(json.exit_code == 1);
  CHECK(json.err == "gilsim: error: cannot write to standard output: No space left on device\n");
  CommandResult exported = run_gilsim("export scenarios/seed/convoy.yaml > /dev/full");
  CHECK(exported.exit_code == 1);
  CHECK(exported.err == "gilsim: error: cannot write to standard output: No space left on device\n");
  CommandResult closed = run_gilsim(convoy + "--json >&-");
  CHECK(closed.exit_code == 2);
  CHECK(closed.err == "gilsim: error: standard output is closed\n");
  CommandResult directory = run_gilsim("validate tests/fixtures/cpu_threads.yaml --variant w1 --measured "
                                       "tests/fixtures/traces/cpu_threads.w1.rep0.trace.json --svg /tmp");
  CHECK(directory.exit_code == 2);
  CHECK(directory.err == "--svg /tmp: error: is a directory; expected a file name\n");
}

TEST_CASE("repro 12: a trace over 1 GiB is refused before simulating, and --trace-window writes part of the run") {
  TempDir dir("trace_limit");
  CommandResult r = run_gilsim("run tests/fixtures/trace_over_limit.yaml --trace " + dir / "t.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "--trace " + dir / "t.v0.json" + ": error: the trace of variant 'v0' would be larger than the limit of "
                 "1 GiB (10000000 step executions); write part of the run with --trace-window START:END\n");
  CHECK(!std::filesystem::exists(dir.path));  // refused before anything was created
  // io_bound's threads: 10 threads x 5 I/O steps of 20 ms, 0.1 s in all. The first 10 ms hold each
  // thread's start and first I/O step: 10 x 2 step spans instead of 10 x 6.
  CommandResult window = run_gilsim("run scenarios/seed/io_bound.yaml --variant threads --trace " + dir / "w.json" +
                                    " --trace-window 0:10ms");
  REQUIRE(window.exit_code == 0);
  const YAML::Node events = YAML::LoadFile(dir / "w.json")["traceEvents"];
  std::size_t steps = 0;
  for (const auto& e : events) steps += e["cat"] && e["cat"].as<std::string>() == "step";
  CHECK(steps == 20);
}

TEST_CASE("missing output folders are created, and an unusable output path fails before the run") {
  TempDir dir("folders");
  CommandResult r = run_gilsim("run scenarios/seed/io_bound.yaml --variant threads --svg " + dir / "a/b/io.svg" +
                               " --trace " + dir / "c/io.json");
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir / "a/b/io.svg"));
  CHECK(std::filesystem::exists(dir / "c/io.json"));
  // A folder where a file is needed: refused at once, exit 2, before simulating.
  std::filesystem::create_directories(dir / "taken.json");
  CommandResult taken = run_gilsim("run scenarios/seed/io_bound.yaml --variant threads --trace " + dir / "taken.json");
  CHECK(taken.exit_code == 2);
  CHECK(taken.err == "--trace " + dir / "taken.json" + ": error: is a directory; expected a file name\n");
  CHECK(taken.out.empty());
}

TEST_CASE("the variants' SVGs share one time axis, --svg-window zooms in, the legend lists the states drawn") {
  TempDir dir("svg");
  REQUIRE(run_gilsim("run scenarios/seed/convoy.yaml --svg " + dir / "c.svg").exit_code == 0);
  const std::string fast = read_file(dir / "c.interval-5ms.svg"), slow = read_file(dir / "c.interval-15ms.svg");
  // Both axes end at the slower variant's end (3.9 s): the same ticks, 0 to 3.5 s by 0.5 s.
  CHECK(section(fast, "<g id=\"ticks\"", "</g>") == section(slow, "<g id=\"ticks\"", "</g>"));
  CHECK(section(fast, "<g id=\"ticks\"", "</g>").find(">3.5s</text>") != std::string::npos);
  // The server's two threads take turns: a GIL lane, coloured by holder.
  CHECK(section(fast, "<g id=\"gil-labels\"", "</g>").find(">server: GIL holder</text>") != std::string::npos);
  // python, gil-wait and io occur; native, sleep, lock-wait and wait do not.
  const std::string legend = section(fast, "<g id=\"legend\">", "</g>");
  CHECK(count(legend, "<rect") == 3);
  CHECK(legend.find(">native<") == std::string::npos);
  REQUIRE(run_gilsim("run scenarios/seed/convoy.yaml --variant interval-5ms --svg " + dir / "w.svg --svg-window 0:50ms")
              .exit_code == 0);
  const std::string ticks = section(read_file(dir / "w.svg"), "<g id=\"ticks\"", "</g>");
  CHECK(count(ticks, "<text") == 6);  // 0 to 50 ms by 10 ms
  CHECK(ticks.find(">50ms</text>") != std::string::npos);
  CommandResult bad = run_gilsim("run scenarios/seed/convoy.yaml --svg " + dir / "x.svg --svg-window 50ms:10ms");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "--svg-window 50ms:10ms: error: expected START:END such as 0:50ms or 1s:1.5s (durations with units; "
                   "END after START); the end is not after the start\n");
}

TEST_CASE("validate --svg draws both sides in the same states, with the errors and the verdict") {
  TempDir dir("validate_svg");
  CommandResult r = run_gilsim("validate tests/fixtures/cpu_threads.yaml --variant w2 --measured "
                               "tests/fixtures/traces/cpu_threads.w2.rep0.trace.json --svg " + dir / "v.svg");
  REQUIRE(r.exit_code == 0);
  const std::string svg = read_file(dir / "v.svg");
  CHECK(svg.find(">simulated app/worker[0]</text>") != std::string::npos);
  CHECK(svg.find(">measured app/worker[0]</text>") != std::string::npos);
  // That trace has no GIL runs: cpu steps are drawn whole on both sides, never split into python.
  const std::string legend = section(svg, "<g id=\"legend\">", "</g>");
  CHECK(legend.find(">cpu<") != std::string::npos);
  CHECK(legend.find(">python<") == std::string::npos);
  CHECK(svg.find("verdict: PASS, within every tolerance</text>") != std::string::npos);
  CHECK(svg.find("makespan: simulated ") != std::string::npos);
}

TEST_CASE("--version, usage on stderr for a bare gilsim, help with placeholders and only each command's options") {
  CommandResult version = run_gilsim("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("gilsim ", 0) == 0);
  CommandResult bare = run_gilsim("");
  CHECK(bare.exit_code == 2);
  CHECK(bare.out.empty());
  CHECK(bare.err.find("usage:") != std::string::npos);
  const std::string run_help = run_gilsim("run --help").out;
  CHECK(run_help.find("--cores N") != std::string::npos);
  CHECK(run_help.find("--svg-window START:END") != std::string::npos);
  CHECK(run_help.find(" arg ") == std::string::npos);
  const std::string export_help = run_gilsim("export --help").out;
  for (const char* unused : {"--gil-model", "--trace", "--svg", "--log"}) CHECK(export_help.find(unused) == std::string::npos);
  CHECK(run_gilsim("sweep --help").out.find("--out DIR") != std::string::npos);
}

TEST_CASE("--json: schema version 2, snake_case keys, per-variant state totals, per-process Python seconds") {
  CommandResult r = run_gilsim("run scenarios/seed/cpu_bound_threads_vs_processes.yaml --variant threads --json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("-wait") == std::string::npos);  // no "gil-wait_s" or "lock-wait_s"
  const YAML::Node doc = YAML::Load(r.out);
  CHECK(doc["schema_version"].as<int>() == 2);
  const YAML::Node v = doc["variants"][0];
  // 8 threads of 1 s of Python each: 8 thread-seconds of Python, in the variant and its process.
  CHECK(v["python_s"].as<double>() == doctest::Approx(8.0).epsilon(1e-6));
  CHECK(v["processes"][0]["python_s"].as<double>() == doctest::Approx(8.0).epsilon(1e-6));
  double gil_wait = 0;
  for (const auto& t : v["threads"]) gil_wait += t["gil_wait_s"].as<double>();
  CHECK(v["gil_wait_s"].as<double>() == doctest::Approx(gil_wait).epsilon(1e-9));
  CHECK(!v["processes"][0]["gil_held"]);
}

TEST_CASE("summary tables give each time column one unit") {
  // http_requests: makespans from 0.303 s to 5.3 s, all in seconds (it printed 303ms beside 5.3s).
  std::istringstream out(run_gilsim("run scenarios/seed/http_requests.yaml").out);
  std::string line, variant, machine, interval, makespan;
  std::getline(out, line), std::getline(out, line), std::getline(out, line);  // title, blank, header
  std::vector<std::string> makespans;
  while (std::getline(out, line) && line.rfind("(speedup", 0) != 0) {
    std::istringstream(line) >> variant >> machine >> interval >> makespan;
    makespans.push_back(makespan);
  }
  CHECK(makespans == std::vector<std::string>{"5.3000s", "0.5581s", "0.5657s", "0.3030s", "0.5601s"});
}
