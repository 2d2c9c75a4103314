#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/scenario/ScenarioError.hpp"
#include "sim/scenario/ScenarioLoader.hpp"

using namespace gilsim;
namespace fs = std::filesystem;

namespace {

std::string load_error(const std::string& file, const std::vector<Override>& overrides = {}) {
  try {
    load_scenarios(file, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string expected_message(const fs::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  const std::string prefix = "# expect: ";
  REQUIRE_MESSAGE(first.rfind(prefix, 0) == 0, file.string() << " must start with '# expect: '");
  return first.substr(prefix.size());
}

}  // namespace

TEST_CASE("every file in scenarios/invalid fails with exactly the message it expects") {
  int checked = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator("scenarios/invalid")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string relative = "scenarios/invalid/" + path.filename().string();
    CAPTURE(relative);
    CHECK(load_error(relative) == expected_message(path));
    ++checked;
  }
  CHECK(checked >= 15);
}

TEST_CASE("every seed scenario loads without error") {
  for (const auto& entry : fs::directory_iterator("scenarios/seed")) {
    CAPTURE(entry.path());
    CHECK_NOTHROW(load_scenarios(entry.path().string(), {}));
  }
}

TEST_CASE("a missing file is reported by name") {
  CHECK(load_error("scenarios/no_such_file.yaml") == "scenarios/no_such_file.yaml: error: cannot open the scenario file: No such file or directory");
}

TEST_CASE("variants inherit the base scenario and override only what they name") {
  auto scenarios = load_scenarios("scenarios/seed/convoy.yaml", {});
  REQUIRE(scenarios.size() == 2);
  CHECK(scenarios[0].variant == "interval-5ms");
  CHECK(scenarios[1].variant == "interval-15ms");
  CHECK(scenarios[0].runtime.gil.switch_interval == doctest::Approx(0.005));
  CHECK(scenarios[1].runtime.gil.switch_interval == doctest::Approx(0.015));
  CHECK(scenarios[1].machine.cores == 8);
  CHECK(scenarios[1].processes[0].threads.size() == 2);
}

TEST_CASE("yaml anchors let variants share one program") {
  auto scenarios = load_scenarios("scenarios/seed/cpu_bound_threads_vs_processes.yaml", {});
  REQUIRE(scenarios.size() == 2);
  CHECK(scenarios[0].processes[0].threads[0].count == 8);
  CHECK(scenarios[1].processes[0].count == 8);
  CHECK(std::get<CpuStep>(scenarios[1].processes[0].threads[0].program[0].action).seconds == doctest::Approx(1.0));
}

TEST_CASE("overrides set any value, in every variant, after the variant is applied") {
  auto scenarios = load_scenarios("scenarios/seed/convoy.yaml",
                                  {parse_override("runtime.switch_interval=1ms"), parse_override("machine.cores=3"),
                                   parse_override("workload.processes[0].threads[1].program[0].cpu=500ms")});
  for (const auto& s : scenarios) {
    CHECK(s.runtime.gil.switch_interval == doctest::Approx(0.001));
    CHECK(s.machine.cores == 3);
    CHECK(std::get<CpuStep>(s.processes[0].threads[1].program[0].action).seconds == doctest::Approx(0.5));
  }
}

TEST_CASE("an override adds a key the file does not have") {
  auto scenarios = load_scenarios("scenarios/seed/io_bound.yaml", {parse_override("machine.smt_yield=1.3"),
                                                                        parse_override("runtime.gil.wakeup_latency=20us")});
  CHECK(scenarios[0].machine.smt_yield == doctest::Approx(1.3));
  CHECK(scenarios[0].runtime.gil.wakeup_latency == doctest::Approx(20e-6));
}

TEST_CASE("a bad override value is reported against the override, not the file") {
  CHECK(load_error("scenarios/seed/gil_handover.yaml", {{"machine.cores", "many", "--cores many"}}) ==
        "--cores many: error: machine.cores: expected an integer from 1 to 4096, got 'many'");
  CHECK(load_error("scenarios/seed/gil_handover.yaml", {parse_override("machine.colors=3")}) ==
        "--set machine.colors=3: error: machine.colors: unknown key; expected one of: cores, profile, smt, smt_yield, speed");
}

TEST_CASE("an override path into a missing list item names the list size") {
  CHECK(load_error("scenarios/seed/gil_handover.yaml", {parse_override("workload.processes[3].count=2")}) ==
        "--set workload.processes[3].count=2: error: 'workload.processes[3].count': processes[3] does not exist (the list has 1 items)");
}

TEST_CASE("a malformed override is refused before anything runs") {
  CHECK_THROWS_WITH_AS(parse_override("machine.cores"), "--set machine.cores: error: expected key=value, such as 'machine.cores=16'",
                       ScenarioError);
}

TEST_CASE("a machine profile supplies the machine and the GIL latencies - the scenario's own keys win") {
  auto scenarios = load_scenarios("tests/fixtures/uses_profile.yaml", {});
  REQUIRE(scenarios.size() == 2);
  const Scenario& profiled = scenarios[0];
  CHECK(profiled.machine.cores == 4);
  CHECK(profiled.machine.smt == 2);
  CHECK(profiled.machine.smt_yield == doctest::Approx(1.3));
  CHECK(profiled.runtime.gil.timer_slack == doctest::Approx(60e-6));
  CHECK(profiled.runtime.gil.wakeup_latency == doctest::Approx(20e-6));  // runtime.gil overrides the profile
  CHECK(scenarios[1].machine.cores == 16);  // mapping form: keys beside `profile` override it
  CHECK(scenarios[1].machine.smt == 2);
}

TEST_CASE("a profile given with --set is relative to the working directory") {
  auto scenarios = load_scenarios("scenarios/seed/gil_handover.yaml",
                                  {parse_override("machine.profile=tests/fixtures/profile_4core.yaml")});
  CHECK(scenarios[0].machine.cores == 2);  // the scenario's own machine.cores wins over the profile
  CHECK(scenarios[0].machine.smt == 1);
  CHECK(scenarios[0].runtime.gil.timer_slack == doctest::Approx(60e-6));
}

TEST_CASE("errors inside a machine profile point into the profile file") {
  CHECK(load_error("tests/fixtures/uses_bad_profile.yaml") ==
        "tests/fixtures/profile_bad_key.yaml:4:3: error: machine.threads: unknown key; expected one of: cores, smt, smt_yield, speed");
  CHECK(load_error("tests/fixtures/uses_missing_profile.yaml") ==
        "tests/fixtures/uses_missing_profile.yaml:2:20: error: machine.profile: cannot open the machine profile 'tests/fixtures/no_such_profile.yaml': No such file or directory");
}

TEST_CASE("a profile's calibration sets process start, exit, pickling, pipe, asyncio and pool costs") {
  const Scenario s = load_scenarios("tests/fixtures/uses_profile.yaml", {})[0];
  const ProcessCosts& p = s.runtime.processes;
  CHECK(p.fork.parent == doctest::Approx(2e-3));
  CHECK(p.fork.child == doctest::Approx(0.0));
  CHECK(p.spawn.parent + p.spawn.child == doctest::Approx(60e-3));  // the parent keeps its default share
  CHECK(p.spawn.parent == doctest::Approx(5e-3));
  CHECK(p.forkserver.parent + p.forkserver.child == doctest::Approx(30e-3));
  CHECK(p.forkserver_server == doctest::Approx(20e-3));
  CHECK(p.fork.exit == doctest::Approx(700e-6));
  CHECK(p.spawn.exit == doctest::Approx(10e-3));  // not in the profile: the default
  CHECK(s.runtime.ipc.pickle_bandwidth == doctest::Approx(2e9));
  CHECK(s.runtime.ipc.unpickle_bandwidth == doctest::Approx(4e9));  // not in the profile: default
  CHECK(s.runtime.ipc.pickle_overhead == 24);
  CHECK(s.runtime.ipc.pipe_buffer == 1048576);
  CHECK(s.runtime.ipc.pipe_write_bandwidth == doctest::Approx(1.2e10));
  CHECK(s.runtime.ipc.pipe_read_bandwidth == doctest::Approx(9e9));
  CHECK(s.runtime.ipc.pipe_wakeup.latency(1e-3) == doctest::Approx(25e-6));
  CHECK(s.runtime.ipc.pipe_wakeup.latency(1e-6) == doctest::Approx(10e-6));
  CHECK(s.runtime.asyncio.lock_op == doctest::Approx(300e-9));
  CHECK(s.runtime.asyncio.queue_op == doctest::Approx(200e-9));
  CHECK(s.runtime.asyncio.task_step_overhead == doctest::Approx(1.2e-6));
  CHECK(s.runtime.process_pool.submit == doctest::Approx(6e-6));
  CHECK(s.runtime.process_pool.manager_wakeup == doctest::Approx(20e-6));  // not measured: the default
}

TEST_CASE("runtime.ipc sets the pipe buffer with a unit, over the profile's") {
  const Scenario s = load_scenarios("tests/fixtures/uses_profile.yaml",
                                    {parse_override("runtime.ipc={pipe_buffer: 16KiB, pickle_overhead: 0B, pipe_wakeup: 0s}")})[0];
  CHECK(s.runtime.ipc.pipe_buffer == 16384);
  CHECK(s.runtime.ipc.pickle_overhead == 0);
  CHECK(s.runtime.ipc.pipe_wakeup.latency(1.0) == 0);
  CHECK(s.runtime.ipc.pipe_write_bandwidth == doctest::Approx(1.2e10));  // from the profile
  CHECK(load_error("tests/fixtures/uses_profile.yaml", {parse_override("runtime.ipc.pipe_buffer=1KiB")}) ==
        "--set runtime.ipc.pipe_buffer=1KiB: error: runtime.ipc.pipe_buffer: expected a size from 4KiB (one page, the "
        "smallest pipe capacity: pipe(7)) to 1GiB (units: B, KB, MB, GB, KiB, MiB, GiB), got '1KiB'");
}
