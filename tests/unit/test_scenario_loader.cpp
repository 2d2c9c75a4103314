#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/loader/ScenarioLoader.hpp"
#include "sim/util/ScenarioError.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
namespace fs = std::filesystem;

namespace {

// Loaded values are exact but for floating-point rounding: relative 1e-9. (doctest::Approx's
// default accepted +-12 us, so a profile's 60 us timer slack passed at the default 50 us.)
constexpr double kRounding = 1e-9;

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
  CHECK_REL(scenarios[0].runtime.gil.switch_interval, 0.005, kRounding);
  CHECK_REL(scenarios[1].runtime.gil.switch_interval, 0.015, kRounding);
  CHECK(scenarios[1].machine.cores == 8);
  CHECK(scenarios[1].processes[0].threads.size() == 2);
}

TEST_CASE("yaml anchors let variants share one program") {
  auto scenarios = load_scenarios("scenarios/seed/cpu_bound_threads_vs_processes.yaml", {});
  REQUIRE(scenarios.size() == 2);
  CHECK(scenarios[0].processes[0].threads[0].count == 8);
  CHECK(scenarios[1].processes[0].count == 8);
  CHECK_REL(std::get<CpuStep>(scenarios[1].processes[0].threads[0].program[0].action).seconds, 1.0, kRounding);
}

TEST_CASE("overrides set any value, in every variant, after the variant is applied") {
  auto scenarios = load_scenarios("scenarios/seed/convoy.yaml",
                                  {parse_override("runtime.switch_interval=1ms"), parse_override("machine.cores=3"),
                                   parse_override("workload.processes[0].threads[1].program[0].cpu=500ms")});
  for (const auto& s : scenarios) {
    CHECK_REL(s.runtime.gil.switch_interval, 0.001, kRounding);
    CHECK(s.machine.cores == 3);
    CHECK_REL(std::get<CpuStep>(s.processes[0].threads[1].program[0].action).seconds, 0.5, kRounding);
  }
}

TEST_CASE("an override adds a key the file does not have") {
  auto scenarios = load_scenarios("scenarios/seed/io_bound.yaml", {parse_override("machine.smt_yield=1.3"),
                                                                        parse_override("runtime.gil.wakeup_latency=20us")});
  CHECK_REL(scenarios[0].machine.smt_yield, 1.3, kRounding);
  CHECK_REL(scenarios[0].runtime.gil.wakeup_latency, 20e-6, kRounding);
}

TEST_CASE("a bad override value is reported against the override, not the file") {
  CHECK(load_error("scenarios/seed/gil_handover.yaml", {{"machine.cores", "many", "--cores many"}}) ==
        "--cores many: error: machine.cores: expected an integer from 1 to 4096, got 'many'");
  CHECK(load_error("scenarios/seed/gil_handover.yaml", {parse_override("machine.colors=3")}) ==
        "--set machine.colors=3: error: machine.colors: unknown key; expected one of: base_slice, context_switch, cores, cpus, migration_cost, profile, scheduler, smt, smt_yield, speed, tick, wakeup_idle, wakeup_remote");
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
  CHECK_REL(profiled.machine.smt_yield, 1.3, kRounding);
  CHECK_REL(profiled.runtime.gil.timer_slack, 60e-6, kRounding);  // the default: 50 us
  CHECK_REL(profiled.runtime.gil.drop_latency, 7e-6, kRounding);  // the default: 5 us
  CHECK_REL(profiled.runtime.gil.wakeup_latency, 20e-6, kRounding);  // runtime.gil overrides the profile
  CHECK(scenarios[1].machine.cores == 16);  // mapping form: keys beside `profile` override it
  CHECK(scenarios[1].machine.smt == 2);
}

TEST_CASE("a profile given with --set is relative to the working directory") {
  auto scenarios = load_scenarios("scenarios/seed/gil_handover.yaml",
                                  {parse_override("machine.profile=tests/fixtures/profile_4core.yaml")});
  CHECK(scenarios[0].machine.cores == 2);  // the scenario's own machine.cores wins over the profile
  CHECK(scenarios[0].machine.smt == 1);
  CHECK_REL(scenarios[0].runtime.gil.timer_slack, 60e-6, kRounding);
}

TEST_CASE("errors inside a machine profile point into the profile file") {
  CHECK(load_error("tests/fixtures/uses_bad_profile.yaml") ==
        "tests/fixtures/profile_bad_key.yaml:4:3: error: machine.threads: unknown key; expected one of: base_slice, context_switch, cores, cpus, migration_cost, scheduler, smt, smt_yield, speed, tick, wakeup_idle, wakeup_remote");
  CHECK(load_error("tests/fixtures/uses_missing_profile.yaml") ==
        "tests/fixtures/uses_missing_profile.yaml:2:20: error: machine.profile: cannot open the machine profile 'tests/fixtures/no_such_profile.yaml': No such file or directory");
}

TEST_CASE("a profile's calibration sets process start, exit, pickling, pipe, asyncio and pool costs") {
  const Scenario s = load_scenarios("tests/fixtures/uses_profile.yaml", {})[0];
  const ProcessCosts& p = s.runtime.processes;
  CHECK_REL(p.fork.parent, 2e-3, kRounding);
  CHECK_REL(p.fork.child, 0.0, kRounding);
  CHECK_REL(p.spawn.parent + p.spawn.child, 60e-3, kRounding);  // the parent keeps its default share
  CHECK_REL(p.spawn.parent, 5e-3, kRounding);
  CHECK_REL(p.forkserver.parent + p.forkserver.child, 30e-3, kRounding);
  CHECK_REL(p.forkserver_server, 20e-3, kRounding);
  CHECK_REL(p.fork.exit, 700e-6, kRounding);
  CHECK_REL(p.spawn.exit, 10e-3, kRounding);  // not in the profile: the default
  CHECK_REL(s.runtime.ipc.pickle_bandwidth, 2e9, kRounding);
  CHECK_REL(s.runtime.ipc.unpickle_bandwidth, 4e9, kRounding);  // not in the profile: default
  CHECK(s.runtime.ipc.pickle_overhead == 24);
  CHECK(s.runtime.ipc.pipe_buffer == 1048576);
  CHECK_REL(s.runtime.ipc.pipe_write_bandwidth, 1.2e10, kRounding);
  CHECK_REL(s.runtime.ipc.pipe_read_bandwidth, 9e9, kRounding);
  CHECK_REL(s.runtime.ipc.pipe_wakeup.latency(1e-3), 25e-6, kRounding);
  CHECK_REL(s.runtime.ipc.pipe_wakeup.latency(1e-6), 10e-6, kRounding);
  CHECK_REL(s.runtime.asyncio.lock_op, 300e-9, kRounding);
  CHECK_REL(s.runtime.asyncio.queue_op, 200e-9, kRounding);
  CHECK_REL(s.runtime.asyncio.task_step_overhead, 1.2e-6, kRounding);
  CHECK_REL(s.runtime.process_pool.submit, 6e-6, kRounding);
  CHECK_REL(s.runtime.process_pool.manager_wakeup, 20e-6, kRounding);  // not measured: the default
}

TEST_CASE("a profile's per-call calibration sets the pickle calls, two pickling regimes, pipe calls, Queue and Pool costs") {
  const Scenario s = load_scenarios("tests/fixtures/uses_profile_per_call.yaml", {})[0];
  const IpcConfig& ipc = s.runtime.ipc;
  CHECK_REL(ipc.pickle_call, 1.1e-6, kRounding);
  CHECK_REL(ipc.unpickle_call, 700e-9, kRounding);
  CHECK_REL(ipc.pickle_bandwidth, 8e9, kRounding);  // the cached rate wins over pickle_bytes_per_s
  CHECK_REL(ipc.unpickle_bandwidth, 9e9, kRounding);
  CHECK_REL(ipc.pickle_large_bandwidth, 1.5e9, kRounding);
  CHECK_REL(ipc.unpickle_large_bandwidth, 1.6e9, kRounding);
  CHECK(ipc.pickle_cache_size == 4194304);
  CHECK_REL(ipc.write_syscall, 1.3e-6, kRounding);
  CHECK_REL(ipc.read_syscall, 900e-9, kRounding);
  CHECK_REL(ipc.send_call, 1.7e-6, kRounding);
  CHECK_REL(ipc.recv_call, 2.9e-6, kRounding);
  CHECK_REL(ipc.mp_queue_put, 3.1e-6, kRounding);
  CHECK_REL(ipc.mp_queue_get, 1.9e-6, kRounding);
  CHECK_REL(s.runtime.mp_pool.task_handler, 2.3e-6, kRounding);
  CHECK_REL(s.runtime.mp_pool.result_handler, 1.2e-6, kRounding);
  CHECK_REL(s.runtime.mp_pool.worker_task, 2.1e-6, kRounding);
  // A profile with only the 32 MiB measurement has one regime: its rate for every size.
  const Scenario old = load_scenarios("tests/fixtures/uses_profile.yaml", {})[0];
  CHECK_REL(old.runtime.ipc.pickle_large_bandwidth, 2e9, kRounding);
  CHECK_REL(old.runtime.ipc.pickle_bandwidth, 2e9, kRounding);
  CHECK_REL(old.runtime.ipc.unpickle_large_bandwidth, IpcConfig{}.unpickle_large_bandwidth, kRounding);  // default
}

TEST_CASE("a profile's process_start_call is the parent's share of a process start, the child gets the rest") {
  // Copies: load_scenarios returns a temporary vector.
  const ProcessCosts p = load_scenarios("tests/fixtures/uses_profile_per_call.yaml", {})[0].runtime.processes;
  // spawn: 48 ms from Process.start() to the child's first line, of which the start() call took
  // 2.1 ms: the child's share is 48 - 2.1 = 45.9 ms.
  CHECK_REL(p.spawn.parent, 2.1e-3, kRounding);
  CHECK_REL(p.spawn.child, 45.9e-3, kRounding);
  // fork: 2.5 ms, the call 700 us: the child 1.8 ms (it is no longer all the parent's, as below).
  CHECK_REL(p.fork.parent, 700e-6, kRounding);
  CHECK_REL(p.fork.child, 1.8e-3, kRounding);
  // forkserver: 13 - 2.2 = 10.8 ms; the server's own start is the first start less a warm one:
  // 47 - 13 = 34 ms.
  CHECK_REL(p.forkserver.parent, 2.2e-3, kRounding);
  CHECK_REL(p.forkserver.child, 10.8e-3, kRounding);
  CHECK_REL(p.forkserver_server, 34e-3, kRounding);
  // Negative control: a profile without process_start_call (uses_profile.yaml) leaves spawn's
  // parent its 5 ms default and gives fork's whole start to the parent.
  const ProcessCosts old = load_scenarios("tests/fixtures/uses_profile.yaml", {})[0].runtime.processes;
  CHECK_REL(old.spawn.parent, 5e-3, kRounding);
  CHECK_REL(old.fork.parent, 2e-3, kRounding);
  CHECK(old.fork.child == 0);
}

TEST_CASE("runtime.ipc and runtime.mp_pool set per-call and per-task costs over the profile's") {
  const Scenario s = load_scenarios(
      "tests/fixtures/uses_profile_per_call.yaml",
      {parse_override("runtime.ipc={pickle_call: 0s, pickle_cache_size: 2MiB, read_syscall: 4us, pickle_large_bandwidth: 3e9}"),
       parse_override("runtime.mp_pool={task_handler: 7us}")})[0];
  CHECK(s.runtime.ipc.pickle_call == 0);
  CHECK(s.runtime.ipc.pickle_cache_size == 2097152);
  CHECK_REL(s.runtime.ipc.read_syscall, 4e-6, kRounding);
  CHECK_REL(s.runtime.ipc.pickle_large_bandwidth, 3e9, kRounding);
  CHECK_REL(s.runtime.ipc.write_syscall, 1.3e-6, kRounding);  // from the profile
  CHECK_REL(s.runtime.mp_pool.task_handler, 7e-6, kRounding);
  CHECK_REL(s.runtime.mp_pool.worker_task, 2.1e-6, kRounding);  // from the profile
}

TEST_CASE("runtime.ipc sets the pipe buffer with a unit, over the profile's") {
  const Scenario s = load_scenarios("tests/fixtures/uses_profile.yaml",
                                    {parse_override("runtime.ipc={pipe_buffer: 16KiB, pickle_overhead: 0B, pipe_wakeup: 0s}")})[0];
  CHECK(s.runtime.ipc.pipe_buffer == 16384);
  CHECK(s.runtime.ipc.pickle_overhead == 0);
  CHECK(s.runtime.ipc.pipe_wakeup.latency(1.0) == 0);
  CHECK_REL(s.runtime.ipc.pipe_write_bandwidth, 1.2e10, kRounding);  // from the profile
  CHECK(load_error("tests/fixtures/uses_profile.yaml", {parse_override("runtime.ipc.pipe_buffer=1KiB")}) ==
        "--set runtime.ipc.pipe_buffer=1KiB: error: runtime.ipc.pipe_buffer: expected a size from 4KiB (one page, the "
        "smallest pipe capacity: pipe(7)) to 1GiB (units: B, KB, MB, GB, KiB, MiB, GiB), got '1KiB'");
}
