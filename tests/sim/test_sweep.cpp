// gilsim sweep, through the command line as a user runs it.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/sweep/SweepReport.hpp"
#include "tests/sim/CommandRunner.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim::testing;

namespace {

// results.csv as rows of column -> value.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& text) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) cells.push_back(cell), cell.clear();
      else cell += c;
    }
    cells.push_back(cell);
    return cells;
  };
  while (std::getline(in, line)) {
    if (header.empty()) {
      header = split(line);
      continue;
    }
    const std::vector<std::string> cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

const std::map<std::string, std::string>& find_row(const std::vector<std::map<std::string, std::string>>& rows,
                                                    const std::string& strategy, const std::string& cores) {
  for (const auto& row : rows)
    if (row.at("strategy") == strategy && row.at("cores") == cores) return row;
  FAIL("no row for " << strategy << " at " << cores << " cores");
  return rows.front();
}

double number(const std::map<std::string, std::string>& row, const std::string& column) {
  return std::stod(row.at(column));
}

std::size_t count_files(const std::string& dir, const std::string& suffix) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    n += name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return n;
}

// The notes' CPU-bound example with 100 ms of work per worker instead of 1 s: hand-computed,
// processes take 8 x 100 ms / cores (no SMT) and threads about 808 ms on any number of cores.
const std::string kCpuBound =
    "sweep scenarios/sweep/cpu_bound.yaml --set 'workload.processes[0].threads[0].program[0].cpu=100ms' --no-progress ";

bool have_gnu_parallel() { return std::system("parallel --version >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("sweep: processes reach 2x and threads stay at 1x at 2 cores, against hand-computed makespans") {
  TempDir dir("speedup");
  CommandResult r = run_gilsim(kCpuBound + "--out " + dir.path + " --cores 1,2");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto rows = read_csv(dir / "results.csv");
  REQUIRE(rows.size() == 6);
  // results.csv gives seconds to 1 ns and ratios to 4 decimals.
  const double csv_seconds = 1e-9, csv_ratio = 5e-5;
  const auto& p1 = find_row(rows, "processes", "1");
  const auto& p2 = find_row(rows, "processes", "2");
  CHECK_ABS(number(p1, "makespan_s"), 0.8, csv_seconds);
  CHECK_ABS(number(p2, "makespan_s"), 0.4, csv_seconds);
  CHECK_ABS(number(p2, "speedup"), 2.0, csv_ratio);
  CHECK_ABS(number(p2, "efficiency"), 1.0, csv_ratio);
  CHECK_ABS(number(p2, "cpu_utilisation"), 1.0, csv_ratio);
  CHECK(p2.at("bottleneck") == "cores");  // 8 busy processes for 2 cores
  const auto& t1 = find_row(rows, "threads", "1");
  const auto& t2 = find_row(rows, "threads", "2");
  // 8 x 100 ms + GIL hand-overs: each thread's 100 ms is 20 runs of up to interval + 105 us,
  // 160 in all, and each of the 159 hand-overs between them costs a 50 us wake-up with a seeded
  // jitter under 1 us: 0.80795 s to 0.80811 s. (This check accepted +-18 ms.)
  CHECK_ABS(number(t1, "makespan_s"), 0.8 + 159 * 50.5e-6, 159 * 0.5e-6);
  CHECK_ABS(number(t2, "speedup"), 1.0, csv_ratio);
  CHECK_ABS(number(t2, "efficiency"), 0.5, csv_ratio);
  // 7 of 8 threads wait; in the hand-overs' gaps (1% of the time) all 8 do (+0.0012), and in the
  // last round the threads finish one after another (-0.0016): within 0.002 of 7/8 (0.8746).
  // (This check accepted +-0.019.)
  CHECK_ABS(number(t2, "gil_wait_share"), 0.875, 0.002);
  CHECK(t2.at("bottleneck") == "GIL");
  // Free-threaded: no GIL, bytecode 8% slower (runtime.free_threaded_slowdown): 8 x 108 ms / cores.
  const auto& f2 = find_row(rows, "free-threaded", "2");
  CHECK_ABS(number(find_row(rows, "free-threaded", "1"), "makespan_s"), 0.864, csv_seconds);
  CHECK_ABS(number(f2, "makespan_s"), 0.432, csv_seconds);
  CHECK_ABS(number(f2, "speedup"), 2.0, csv_ratio);
  CHECK_ABS(number(f2, "gil_wait_share"), 0.0, csv_ratio);
  for (const auto& row : rows) CHECK(row.at("baseline_only") == "false");
}

TEST_CASE("sweep: 1 core is always run as the speedup baseline and marked as added") {
  TempDir dir("baseline");
  CommandResult r = run_gilsim(kCpuBound + "--out " + dir.path + " --cores 4 --strategy processes");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto rows = read_csv(dir / "results.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].at("cores") == "1");
  CHECK(rows[0].at("baseline_only") == "true");
  CHECK(rows[1].at("baseline_only") == "false");
  CHECK(number(rows[1], "speedup") == doctest::Approx(4.0));
  CHECK(r.out.find("processes  1*") != std::string::npos);
  CHECK(r.out.find("* cores=1 is not in --cores: added as the speedup baseline") != std::string::npos);
}

TEST_CASE("sweep: the explanation says where scaling stops and why, from the data") {
  TempDir dir("explain");
  CommandResult r = run_gilsim(kCpuBound + "--out " + dir.path + " --cores 1,2,4,8,16");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string explanation = read_file(dir / "explanation.txt");
  CHECK(explanation.find("threads: GIL-bound: speedup stays at 1.0x from 1 to 16 cores (gil-wait 87% of thread time at 2 cores)\n") != std::string::npos);
  CHECK(explanation.find("processes: scales to 8 cores (8.0x, efficiency 100%); limited by parallelism above "
                         "(cpu utilisation 50%: on average 8.0 busy threads for 16 hardware threads at 16 cores)\n") != std::string::npos);
  CHECK(explanation.find("free-threaded: scales to 8 cores (8.0x, efficiency 100%); limited by parallelism above") != std::string::npos);
  CHECK(explanation.find("best strategy: processes at 1-16 cores\n") != std::string::npos);
  CHECK(r.out.find(explanation) != std::string::npos);  // printed after the table
}

TEST_CASE("sweep: the best strategy per core count changes with the cores in the mixed scenario") {
  TempDir dir("best");
  CommandResult r = run_gilsim("sweep scenarios/sweep/mixed.yaml --no-progress --out " + dir.path + " --cores 1,2,4,8");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto rows = read_csv(dir / "results.csv");
  std::map<std::string, std::string> best;
  for (const auto& row : rows)
    if (row.at("best") == "true") {
      CHECK(best.count(row.at("cores")) == 0);  // one best per core count
      best[row.at("cores")] = row.at("strategy");
    }
  CHECK(best == std::map<std::string, std::string>{{"1", "threads"}, {"2", "hybrid"}, {"4", "hybrid"}, {"8", "processes"}});
  CHECK(read_file(dir / "explanation.txt").find("best strategy: threads at 1 core, hybrid at 2-4 cores, processes at 8 cores\n") != std::string::npos);
  CHECK(read_file(dir / "results.txt").find("best strategy per core count (lowest makespan):") != std::string::npos);
}

TEST_CASE("sweep: re-running skips configurations whose result file exists") {
  TempDir dir("resume");
  const std::string command = kCpuBound + "--out " + dir.path + " --cores 1,2 --strategy processes";
  REQUIRE(run_gilsim(command).exit_code == 0);
  REQUIRE(count_files(dir / "runs", ".json") == 2);
  // Mark one finished result: a re-run would overwrite it. Remove the other: it must be redone.
  std::string kept, removed;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "runs"))
    (kept.empty() ? kept : removed) = entry.path().string();
  { std::ofstream(kept, std::ios::app) << "\n"; }
  const std::string marked = read_file(kept);
  std::filesystem::remove(removed);

  CommandResult again = run_gilsim(command);
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("2 configurations: 1 run in") != std::string::npos);
  CHECK(again.err.find("1 already done, 0 failed") != std::string::npos);
  CHECK(read_file(kept) == marked);
  CHECK(std::filesystem::exists(removed));
  CHECK(count_files(dir / "runs", ".json") == 2);
  CHECK(count_files(dir / "runs", ".tmp") == 0);
}

TEST_CASE("sweep: a configuration that fails is reported in its row and the others complete") {
  // smt_yield 3 is fine with 1 SMT thread (the scenario's) and invalid with 2: only the smt 2
  // combinations fail, each value alone is valid.
  TempDir dir("failure");
  CommandResult r = run_gilsim(kCpuBound + "--out " + dir.path + " --strategy threads,processes --cores 1,2 --smt 1,2 --set machine.smt_yield=3");
  CHECK(r.exit_code == 1);
  const auto rows = read_csv(dir / "results.csv");
  REQUIRE(rows.size() == 8);
  std::size_t failed = 0;
  for (const auto& row : rows) {
    if (row.at("smt") == "2") {
      ++failed;
      CHECK(row.at("error") == "--set machine.smt_yield=3: error: machine.smt_yield: expected at most the number of SMT siblings (2), got 3");
      CHECK(row.at("makespan_s").empty());
    } else {
      CHECK(row.at("error").empty());
      CHECK(number(row, "makespan_s") > 0);
    }
  }
  CHECK(failed == 4);
  CHECK(r.err.find("8 configurations: 4 run in") != std::string::npos);
  CHECK(r.err.find("4 invalid") != std::string::npos);
  CHECK(read_file(dir / "explanation.txt").find("4 of 8 configurations have no result (see the error column)") != std::string::npos);
}

TEST_CASE("sweep: bad input is refused before anything runs, with the option and what is expected") {
  TempDir dir("bad");
  const std::string base = "sweep scenarios/sweep/cpu_bound.yaml --out " + dir.path + " ";
  const std::map<std::string, std::string> cases = {
      {"--cores 1,,4", "--cores 1,,4: error: expected a comma-separated list of integers from 1 to 4096\n"},
      {"--cores 0,2", "--cores 0,2: error: expected a comma-separated list of integers from 1 to 4096\n"},
      {"--cores 1,2,2", "--cores 1,2,2: error: value 2 is listed twice\n"},
      {"--cores 1 --smt 1,9", "--smt 1,9: error: expected a comma-separated list of integers from 1 to 8\n"},
      {"--cores 1 --switch-interval 5ms,fast",
       "--switch-interval 5ms,fast: error: expected a comma-separated list of durations such as 5ms,15ms (units: ns, us, ms, s, min, h)\n"},
      {"--cores 1 --strategy threads,greenlets",
       "--strategy threads,greenlets: error: no strategy (variant) 'greenlets'; the scenario has: threads, processes, free-threaded\n"},
      {"--cores 1 --set machine.processors=1,2",
       "--set machine.processors=1: error: machine.processors: unknown key; expected one of: base_slice, context_switch, cores, cpus, migration_cost, profile, scheduler, smt, smt_yield, speed, tick, wakeup_idle, wakeup_remote\n"},
      {"--cores 1 --set machine.speed=1,0", "--set machine.speed=0: error: machine.speed: expected a number from 0.001 to 1000, got 0\n"},
      {"--cores 1 --set machine.cores=2,4", "--set machine.cores=2,4: error: sweep machine.cores with --cores (it is an axis of its own)\n"},
      {"--cores 1 -j 0", "-j 0: error: expected an integer from 1 to 1024\n"},
      {"--smt 1", "gilsim sweep: error: missing --cores LIST, e.g. --cores 1,2,4,8\n(try 'gilsim sweep --help')\n"},
  };
  for (const auto& item : cases) {
    // Not a structured binding: C++17 lambdas (doctest's CHECK_MESSAGE) cannot capture one.
    const std::string& args = item.first;
    CommandResult r = run_gilsim(base + args);
    CHECK_MESSAGE(r.exit_code == 2, args);
    CHECK_MESSAGE(r.err == item.second, args);
    CHECK(r.out.empty());
  }
  CHECK(!std::filesystem::exists(dir.path));  // nothing was created, nothing ran

  CHECK(run_gilsim("sweep scenarios/sweep/cpu_bound.yaml --cores 1").err ==
        "gilsim sweep: error: missing --out DIR: the directory for the results\n(try 'gilsim sweep --help')\n");
  CHECK(run_gilsim("sweep scenarios/seed/gil_handover.yaml --out " + dir.path + " --cores 1 --strategy a").err ==
        "--strategy a: error: the scenario has no variants, so it is one unnamed strategy; leave out --strategy\n");
  CHECK(run_gilsim("sweep scenarios/invalid/unknown_key.yaml --out " + dir.path + " --cores 1").err ==
        "scenarios/invalid/unknown_key.yaml:5:3: error: machine.processors: unknown key; expected one of: base_slice, context_switch, cores, cpus, migration_cost, profile, scheduler, smt, smt_yield, speed, tick, wakeup_idle, wakeup_remote\n");
  // 3 strategies x 10 core counts x 100 x 100 values: over the limit, refused before any load.
  std::string seeds, jitters;
  for (int i = 1; i <= 100; ++i) seeds += (i > 1 ? "," : "") + std::to_string(i), jitters += (i > 1 ? "," : "") + std::to_string(i) + "us";
  CommandResult big = run_gilsim(base + "--cores 1,2,3,4,5,6,7,8,9,10 --set runtime.seed=" + seeds + " --set runtime.gil.tie_jitter=" + jitters);
  CHECK(big.exit_code == 2);
  CHECK(big.err == "gilsim sweep: error: the sweep has 300000 configurations (3 strategies x 10 core counts x 100 runtime.seed values "
                   "x 100 runtime.gil.tie_jitter values), more than the limit of 100000; split it into several sweeps\n");
  CHECK(!std::filesystem::exists(dir.path));
}

TEST_CASE("sweep: the same inputs give byte-identical results, table, plot and explanation, whatever -j") {
  TempDir first("determinism_a"), second("determinism_b");
  const std::string args = "sweep scenarios/sweep/io_bound.yaml --no-progress --cores 1,4 --switch-interval 5ms,15ms --out ";
  CommandResult a = run_gilsim(args + first.path + " -j 1");
  CommandResult b = run_gilsim(args + second.path + " -j 3");
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK(a.out == b.out);
  for (const char* file : {"results.csv", "results.json", "results.txt", "scaling.svg", "explanation.txt", "sweep.json"})
    CHECK_MESSAGE(read_file(first / file) == read_file(second / file), file);
  CHECK(read_csv(first / "results.csv").size() == 20);  // 5 strategies x 2 cores x 2 intervals
}

TEST_CASE("sweep: scaling.svg has one line per series, the dashed ideal line, axes, legend and title") {
  TempDir dir("svg");
  REQUIRE(run_gilsim(kCpuBound + "--out " + dir.path + " --cores 1,2,4 --switch-interval 5ms,15ms").exit_code == 0);
  const std::string svg = read_file(dir / "scaling.svg");
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(svg.find("<title>sweep-cpu-bound: speedup and makespan vs cores</title>") != std::string::npos);
  CHECK(svg.find("id=\"ideal\"") != std::string::npos);
  CHECK(svg.find("stroke-dasharray=\"6 4\"") != std::string::npos);
  CHECK(svg.find("cores (log scale)") != std::string::npos);
  CHECK(svg.find("speedup vs the sequential run (log scale)") != std::string::npos);
  CHECK(svg.find("makespan, seconds (log scale)") != std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
  CHECK(lines == 12);  // threads, processes and free-threaded, at each of 2 switch intervals, in both panels
  CHECK(svg.find(">processes (interval 15ms)</text>") != std::string::npos);
  CHECK(svg.find(">ideal (speedup = cores)</text>") != std::string::npos);
}

TEST_CASE("sweep: without a terminal there is no progress bar, only a final summary line") {
  TempDir dir("quiet");
  CommandResult r = run_gilsim("sweep scenarios/sweep/cpu_bound.yaml --strategy processes --set 'workload.processes[0].threads[0].program[0].cpu=10ms' --out " +
                               dir.path + " --cores 1,2");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.rfind("gilsim sweep: 2 configurations: 2 run in ", 0) == 0);
}

TEST_CASE("sweep: --emit-jobs commands run under GNU parallel and --collect gives the same results as a local run") {
  if (!have_gnu_parallel()) {
    MESSAGE("skipped: GNU parallel is not installed (Debian package 'parallel'; scripts/setup.sh installs it)");
    return;
  }
  TempDir emitted("emit"), local("emit_local");
  // --set with brackets: the commands must quote it for the shell.
  const std::string args = "sweep scenarios/sweep/cpu_bound.yaml --strategy threads,processes "
                           "--set 'workload.processes[0].threads[0].program[0].cpu=20ms,40ms' --cores 1,2,4 --no-progress --out ";
  CommandResult jobs = run_gilsim(args + emitted.path + " --emit-jobs");
  REQUIRE(jobs.exit_code == 0);
  CHECK(std::count(jobs.out.begin(), jobs.out.end(), '\n') == 12);
  CHECK(jobs.out.find(" --set 'workload.processes[0].threads[0].program[0].cpu=20ms' ") != std::string::npos);
  CHECK(std::filesystem::exists(emitted / "sweep.json"));
  CHECK(count_files(emitted / "runs", ".json") == 0);  // nothing ran
  {
    std::ofstream(emitted / "jobs.txt") << jobs.out;
  }
  // The Slurm array form runs line N; here line 1, as task 1 would.
  REQUIRE(std::system(("cd /tmp && SLURM_ARRAY_TASK_ID=1 bash -c 'sed -n \"${SLURM_ARRAY_TASK_ID}p\" " + (emitted / "jobs.txt") +
                       " | bash'").c_str()) == 0);
  CHECK(count_files(emitted / "runs", ".json") == 1);
  // Before the rest ran, --collect reports the missing rows instead of failing.
  CommandResult partial = run_gilsim("sweep --collect " + emitted.path);
  CHECK(partial.exit_code == 1);
  CHECK(partial.out.find("missing: no result runs/") != std::string::npos);
  CHECK(partial.err.rfind("gilsim sweep: collected 12 configurations: 1 with results, 11 without", 0) == 0);
  // A re-emit lists only what is left; GNU parallel runs it.
  CommandResult rest = run_gilsim(args + emitted.path + " --emit-jobs");
  CHECK(std::count(rest.out.begin(), rest.out.end(), '\n') == 11);
  { std::ofstream(emitted / "jobs.txt") << rest.out; }
  REQUIRE(std::system(("cd /tmp && parallel --will-cite -j 2 < " + (emitted / "jobs.txt")).c_str()) == 0);
  CHECK(count_files(emitted / "runs", ".json") == 12);
  CHECK(count_files(emitted / "runs", ".err") == 0);

  CommandResult collected = run_gilsim("sweep --collect " + emitted.path);
  REQUIRE(collected.exit_code == 0);
  CommandResult ran = run_gilsim(args + local.path);
  REQUIRE(ran.exit_code == 0);
  CHECK(read_file(emitted / "results.csv") == read_file(local / "results.csv"));
  CHECK(read_file(emitted / "results.json") == read_file(local / "results.json"));
  CHECK(read_file(emitted / "scaling.svg") == read_file(local / "scaling.svg"));
  CHECK(collected.out == ran.out);
}

TEST_CASE("sweep: process pools are classified start-up-bound (spawn) and transfer-bound (tiny tasks, big data)") {
  TempDir spawn("startup"), data("transfer");
  CommandResult r = run_gilsim("sweep scenarios/seed/cpu_batch.yaml --strategy processes-8-spawn --set 'batch.program[0].cpu=50ms' "
                               "--no-progress --cores 8,16 --out " + spawn.path);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto rows = read_csv(spawn / "results.csv");
  CHECK(find_row(rows, "processes-8-spawn", "1").at("bottleneck") == "cores");  // 8 start-ups and 8 tasks on 1 core
  CHECK(find_row(rows, "processes-8-spawn", "16").at("bottleneck") == "start-up");
  CHECK(number(find_row(rows, "processes-8-spawn", "16"), "startup_share") > 0.3);
  CHECK(read_file(spawn / "explanation.txt").find("processes-8-spawn: scales to 8 cores (6.8x, efficiency 85%); start-up-bound above") == 0);

  r = run_gilsim("sweep scenarios/seed/tiny_function_big_data.yaml --strategy processes-4-fork --no-progress --cores 4 --out " + data.path);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto rows_data = read_csv(data / "results.csv");  // find_row returns a reference into it
  const auto& pool = find_row(rows_data, "processes-4-fork", "4");
  CHECK(pool.at("bottleneck") == "transfer");
  CHECK(number(pool, "transfer_ratio") > 2);  // the task-handler pickles and writes 1000 x 100 KiB
  CHECK(r.out.find("start-up  transfer") != std::string::npos);  // the table shows the columns
}

TEST_CASE("sweep: bottleneck classification thresholds") {
  using namespace gilsim::sweep;
  RowMetrics m;
  m.hardware_threads = 4;
  m.cpu_utilisation = 0.25, m.busy_threads = 1, m.gil_wait_share = 0.30;
  CHECK(classify(m) == Bottleneck::Gil);
  m.gil_wait_share = 0.29;
  CHECK(classify(m) == Bottleneck::Parallelism);  // idle hardware threads, nothing waits
  m.io_share = 0.5;
  CHECK(classify(m) == Bottleneck::Io);
  m.cpu_utilisation = 0.9, m.busy_threads = 4;
  CHECK(classify(m) == Bottleneck::Cores);  // saturated beats I/O
  m.gil_wait_share = 0.8;
  CHECK(classify(m) == Bottleneck::Gil);  // saturated, but not oversubscribed: the GIL limits
  m.busy_threads = 4.3;
  CHECK(classify(m) == Bottleneck::Cores);  // threads queue for a core: more cores help first
  m.busy_threads = 4, m.transfer_ratio = 0.5;
  CHECK(classify(m) == Bottleneck::Transfer);
  m.startup_share = 0.3;
  CHECK(classify(m) == Bottleneck::Startup);
  m.busy_threads = 4.3;
  CHECK(classify(m) == Bottleneck::Cores);
  CHECK(std::string(bottleneck_name(Bottleneck::Io)) == "I/O");
  CHECK(std::string(bottleneck_name(Bottleneck::Startup)) == "start-up");
}
