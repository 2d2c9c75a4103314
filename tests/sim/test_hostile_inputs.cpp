// The reproducers of issue 15 (../shared/repro/, one test each, with the exact message): inputs
// that aborted, hung, exhausted memory or were silently accepted. The scenario files among them
// are in scenarios/invalid/ (checked by test_scenario_loader.cpp); these are the command-line ones.
#include <doctest/doctest.h>

#include <string>

#include "tests/sim/CommandRunner.hpp"

using namespace gilsim::testing;

TEST_CASE("repro 01: a directory as the scenario, the machine profile or a measured trace is an error, not an abort") {
  TempDir dir("input.yaml");
  std::filesystem::create_directories(dir.path);
  CHECK(refusal_of("export " + dir.path) == dir.path + ": error: is a directory; expected a scenario file\n");
  CHECK(refusal_of("export scenarios/seed/convoy.yaml --set machine=" + dir.path) ==
        "--set machine=" + dir.path + ": error: machine: cannot open the machine profile '" + dir.path +
        "': is a directory\n");
  CHECK(refusal_of("validate tests/fixtures/cpu_threads.yaml --variant w1 --measured " + dir.path) ==
        dir.path + ": error: cannot open the trace file: is a directory\n");
}

TEST_CASE("repro 03: a --set list index beyond int is out of range, in run and in sweep") {
  CHECK(refusal_of("export scenarios/seed/convoy.yaml --set 'workload.processes[99999999999].count=1'") ==
        "--set workload.processes[99999999999].count=1: error: 'workload.processes[99999999999].count': list "
        "index 99999999999 is out of range\n");
  TempDir out("set_index");
  CHECK(refusal_of("sweep scenarios/sweep/cpu_bound.yaml --out " + out.path +
                   " --cores 4 --set 'workload.processes[99999999999].count=1'") ==
        "--set workload.processes[99999999999].count=1: error: 'workload.processes[99999999999].count': "
        "list index 99999999999 is out of range\n");
}

TEST_CASE("repro 04: a --set path below a scalar value is refused, in export, run and sweep") {
  CHECK(refusal_of("export scenarios/seed/convoy.yaml --set name.x=1") ==
        "--set name.x=1: error: 'name.x': cannot set 'x' inside 'convoy'; expected a path through mappings\n");
  CHECK(refusal_of("run scenarios/seed/convoy.yaml --set 'workload.processes[0].threads[1].program[0].cpu.x=1'") ==
        "--set workload.processes[0].threads[1].program[0].cpu.x=1: error: "
        "'workload.processes[0].threads[1].program[0].cpu.x': cannot set 'x' inside '2s'; expected a path "
        "through mappings\n");
  TempDir out("set_scalar");
  CHECK(refusal_of("sweep scenarios/sweep/cpu_bound.yaml --out " + out.path + " --cores 4 --set name.x=1") ==
        "--set name.x=1: error: 'name.x': cannot set 'x' inside 'sweep-cpu-bound'; expected a path "
        "through mappings\n");
}

TEST_CASE("repro 05: sweep --out '' is refused instead of writing into /") {
  CHECK(refusal_of("sweep scenarios/sweep/cpu_bound.yaml --out '' --cores 4 --no-progress") ==
        "--out '': error: expected a directory name for the results\n");
  CHECK(run_gilsim("sweep --collect ''").err == "--collect '': error: expected the directory of a sweep\n");
}

TEST_CASE("repro 09: a sub-nanosecond switch interval is refused like a sub-nanosecond step") {
  CHECK(refusal_of("export scenarios/seed/convoy.yaml --switch-interval 1e-12ns") ==
        "--switch-interval 1e-12ns: error: runtime.switch_interval: expected a duration of at least 1ns (the "
        "simulation's resolution), got '1e-12ns'\n");
}

TEST_CASE("repro 10: a NUL byte in a scenario is an error at its position, not a silently changed name") {
  TempDir dir("nul");
  std::filesystem::create_directories(dir.path);
  write_file(dir / "nul.yaml", std::string("name: a\0b\nworkload:\n  processes:\n    - threads:\n        - program:\n"
                                           "            - cpu: 1ms\n", 74));
  CHECK(refusal_of("export " + dir / "nul.yaml") ==
        dir / "nul.yaml" + ":1:8: error: a NUL byte; expected a text file (YAML and JSON do not allow NUL)\n");
}

TEST_CASE("repro 16: a scenario over 4 MiB, or over 10^6 YAML nodes, is refused before it is built") {
  TempDir dir("big");
  std::filesystem::create_directories(dir.path);
  std::string big = "name: big\nx:\n";
  while (big.size() <= (4u << 20)) big += "- 1\n";
  write_file(dir / "big.yaml", big);
  CHECK(refusal_of("export " + dir / "big.yaml") ==
        dir / "big.yaml" + ": error: the scenario file is 4.0 MiB, more than the limit of 4 MiB\n");
  // 1.1 million items in 2.2 MB: within the size limit, over the node limit (the list and its
  // mapping are two more nodes).
  std::string many = "x: [";
  for (int i = 0; i < 1100000; ++i) many += i ? ",1" : "1";
  write_file(dir / "many.yaml", many + "]\n");
  CommandResult nodes = run_gilsim("export " + dir / "many.yaml");
  CHECK(nodes.exit_code == 2);
  CHECK(nodes.err.find(": error: the document expands to more than 1000000 YAML nodes") != std::string::npos);
}

TEST_CASE("repro 17: NaN, a time beyond ten years and an extreme tid in a trace, and NaN as a tolerance") {
  const std::string validate = "validate tests/fixtures/cpu_threads.yaml --variant w1 --measured ";
  CHECK(refusal_of(validate + "tests/fixtures/traces/nan_ts.json") ==
        "tests/fixtures/traces/nan_ts.json:7:38: error: not valid JSON: expected a value (object, array, "
        "string, number, true, false or null)\n");
  CHECK(refusal_of(validate + "tests/fixtures/traces/huge_ts.json") ==
        "tests/fixtures/traces/huge_ts.json: error: not a valid gilsim trace: traceEvents[5]: ts + dur is "
        "beyond ten years\n");
  // A tid beyond JSON's exact integers (2^53) places no track: the step still counts, and the
  // track arithmetic never overflows (the sanitizer build checks it).
  CommandResult tid = run_gilsim(validate + "tests/fixtures/traces/extreme_tid.json");
  CHECK(tid.exit_code == 0);
  CHECK(tid.err.empty());
  CHECK(refusal_of(validate + "tests/fixtures/traces/cpu_threads.w1.rep0.trace.json "
                              "--makespan-tolerance 'nan%'") ==
        "--makespan-tolerance nan%: error: expected a non-negative fraction such as '5%' or '0.05'\n");
}

TEST_CASE("repro 18: --set variants is refused: variants are split off before overrides apply") {
  CHECK(refusal_of("export scenarios/seed/io_bound.yaml --set 'variants=[{name: x}]'") ==
        "--set variants=[{name: x}]: error: 'variants': variants cannot be set from the command line; choose "
        "them with --variant NAME, or add one to the file\n");
}

TEST_CASE("repro 19: an empty option value is reported against the option") {
  CHECK(refusal_of("export scenarios/seed/convoy.yaml --cores ''") ==
        "--cores '': error: machine.cores: expected a value, got nothing\n");
  CHECK(run_gilsim("export scenarios/seed/convoy.yaml --seed ''").err ==
        "--seed '': error: runtime.seed: expected a value, got nothing\n");
}

TEST_CASE("repro 21: a bad --log setting is a gilsim error, not a SimGrid backtrace") {
  CHECK(refusal_of("run scenarios/seed/convoy.yaml --log bogus") ==
        "--log bogus: error: expected CATEGORY.thresh:LEVEL (levels: trace, debug, verbose, info, warning, "
        "error, critical), CATEGORY.fmt:FORMAT, CATEGORY.app:file:PATH, CATEGORY.add:on|off, or no_loc (see "
        "SimGrid's logging documentation)\n");
  CHECK(run_gilsim("run scenarios/seed/convoy.yaml --log root.thresh:loud").err ==
        "--log root.thresh:loud: error: unknown level 'loud'; expected one of: trace, debug, verbose, info, warning, "
        "error, critical\n");
  CommandResult ok = run_gilsim("run scenarios/seed/gil_handover.yaml --log 'root.thresh:critical surf.fmt:%m%n'");
  CHECK(ok.exit_code == 0);
}

TEST_CASE("repro 22: a trace that is not a gilsim trace, or does not fit, is reported with file: error:") {
  const std::string validate = "validate tests/fixtures/cpu_threads.yaml --variant w1 --measured ";
  CHECK(refusal_of(validate + "tests/fixtures/traces/negative_iteration.json") ==
        "tests/fixtures/traces/negative_iteration.json: error: not a valid gilsim trace: "
        "traceEvents[5]: a step span needs numeric ts and dur, a name, and args process, thread, "
        "step_index (an integer from -1), iteration (an integer from 0)\n");
  CommandResult other = run_gilsim("validate scenarios/seed/gil_handover.yaml --measured tests/fixtures/traces/missing_step.json");
  CHECK(other.exit_code == 2);
  CHECK(other.err.rfind("tests/fixtures/traces/missing_step.json: error: the trace does not fit the scenario: it has ", 0) == 0);
}

TEST_CASE("repro 26: a deadlock is reported with SimGrid's thread context factory too (it hung)") {
  CommandResult r = run_gilsim("run tests/fixtures/lock_order_deadlock.yaml --cfg contexts/factory:thread", 120);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("error: deadlock: 2 thread(s) can never finish:") != std::string::npos);
}

TEST_CASE("repro 31: a simulation under the eevdf scheduler ends with SimGrid's thread context factory (it hung)") {
  // The scheduler's ticker daemon, killed at the end, must not unlock its mutex while unwinding.
  CommandResult r = run_gilsim("run scenarios/seed/os_scheduler.yaml --cfg contexts/factory:thread", 120);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("repro 32: four CPU-bound threads and a sleeping one on two CPUs under eevdf finish (a pull livelocked)") {
  // 4 x 1 s of CPU under one GIL: the makespan is at least 4 s; before the fix the run never ended.
  CommandResult r = run_gilsim("run tests/fixtures/eevdf_pull_livelock.yaml --json", 120);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"makespan_s\": 4.0") != std::string::npos);
}
