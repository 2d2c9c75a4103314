#include <doctest/doctest.h>

#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "tests/sim/CommandRunner.hpp"

using namespace gilsim::testing;

namespace {

std::string temp_path(const std::string& name) {
  return "/tmp/gilsim_cli_" + std::to_string(::getpid()) + "_" + name;
}

}  // namespace

TEST_CASE("run --help is gilsim's own help, not SimGrid's") {
  CommandResult r = run_gilsim("run --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--switch-interval") != std::string::npos);
  CHECK(r.out.find("--set") != std::string::npos);
  CHECK(r.out.find("SimGrid") != std::string::npos);  // only as the pass-through options
  CHECK(r.out.find("--cfg=") == std::string::npos);  // SimGrid's own help lists --cfg=<var>:<value>
}

TEST_CASE("a scenario error exits with status 2 and the file:line:col message, nothing on stdout") {
  CommandResult r = run_gilsim("run scenarios/invalid/unknown_key.yaml");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "scenarios/invalid/unknown_key.yaml:5:3: error: machine.processors: unknown key; expected one of: base_slice, context_switch, cores, cpus, migration_cost, profile, scheduler, smt, smt_yield, speed, tick, wakeup_idle, wakeup_remote\n");
}

TEST_CASE("an unknown command-line option is refused with a pointer to --help") {
  CommandResult r = run_gilsim("run scenarios/seed/gil_handover.yaml --colors 3");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unrecognised option '--colors'") != std::string::npos);
}

TEST_CASE("an unknown variant is refused with the list of variants") {
  CommandResult r = run_gilsim("run scenarios/seed/convoy.yaml --variant fast");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "--variant fast: error: no such variant; the scenario has: interval-5ms, interval-15ms\n");
}

TEST_CASE("the text summary marks the fastest variant") {
  CommandResult r = run_gilsim("run scenarios/seed/cpu_bound_threads_vs_processes.yaml");
  CHECK(r.exit_code == 0);
  const auto processes = r.out.find("\nprocesses ");
  REQUIRE(processes != std::string::npos);
  const auto line_end = r.out.find('\n', processes + 1);
  CHECK(r.out.substr(processes, line_end - processes).find("<- fastest") != std::string::npos);
  CHECK(r.out.find("app/worker") != std::string::npos);
}

TEST_CASE("--json prints one summary per variant with makespan and speedup") {
  CommandResult r = run_gilsim("run scenarios/seed/smt_scaling.yaml --json");
  REQUIRE(r.exit_code == 0);
  YAML::Node doc = YAML::Load(r.out);
  REQUIRE(doc["variants"].size() == 3);
  CHECK(doc["variants"][2]["variant"].as<std::string>() == "p16");
  CHECK(doc["variants"][2]["makespan_s"].as<double>() == doctest::Approx(1.6));
  CHECK(doc["variants"][2]["threads"].size() == 16);
}

TEST_CASE("option shortcuts override the scenario: --cores, --smt, --switch-interval, --seed") {
  CommandResult r = run_gilsim("run scenarios/seed/smt_scaling.yaml --variant p16 --cores 16 --smt 1 --switch-interval 15ms --seed 7 --json");
  REQUIRE(r.exit_code == 0);
  YAML::Node v = YAML::Load(r.out)["variants"][0];
  CHECK(v["cores"].as<int>() == 16);
  CHECK(v["smt"].as<int>() == 1);
  CHECK(v["switch_interval_s"].as<double>() == doctest::Approx(0.015));
  CHECK(v["makespan_s"].as<double>() == doctest::Approx(1.0));
}

TEST_CASE("SimGrid options pass through and SimGrid stays silent otherwise") {
  CommandResult quiet = run_gilsim("run scenarios/seed/gil_handover.yaml");
  CHECK(quiet.err.empty());
  CommandResult cfg = run_gilsim("run scenarios/seed/gil_handover.yaml --cfg surf/precision:1e-9 --log root.thresh:critical");
  CHECK(cfg.exit_code == 0);
  CHECK(cfg.out == quiet.out);
}

TEST_CASE("trace and svg options write one file per variant") {
  const std::string trace = temp_path("t.json"), svg = temp_path("a.svg");
  CommandResult r = run_gilsim("run scenarios/seed/io_bound.yaml --trace " + trace + " --svg " + svg);
  REQUIRE(r.exit_code == 0);
  for (const char* variant : {"sequential", "threads"}) {
    const std::string t = temp_path(std::string("t.") + variant + ".json");
    const std::string s = temp_path(std::string("a.") + variant + ".svg");
    CHECK(YAML::Load(read_file(t))["traceEvents"].size() > 0);
    CHECK(read_file(s).find("<svg xmlns") != std::string::npos);
    std::remove(t.c_str());
    std::remove(s.c_str());
  }
}

TEST_CASE("the same scenario and seed give byte-identical summary, trace and svg") {
  auto run = [&](const std::string& tag) {
    CommandResult r = run_gilsim("run scenarios/seed/convoy.yaml --variant interval-15ms --json --trace " +
                                 temp_path(tag + ".json") + " --svg " + temp_path(tag + ".svg"));
    REQUIRE(r.exit_code == 0);
    std::string all = r.out + read_file(temp_path(tag + ".json")) + read_file(temp_path(tag + ".svg"));
    std::remove(temp_path(tag + ".json").c_str());
    std::remove(temp_path(tag + ".svg").c_str());
    return all;
  };
  const std::string first = run("first");
  CHECK(first.size() > 10000);
  CHECK(first == run("second"));
}

TEST_CASE("golden timeline: two threads handing over the GIL for 30 ms of work") {
  // Hand-checked: thread 0 runs Python [0, 5.0553 ms) (thread 1's first timeout at 5 ms + 50 us
  // slack + its 0.26 us offset, then 5 us to the eval-breaker check); thread 1 takes the GIL one
  // wake-up latency (50 us + its 0.36 us offset) later, at 5.1056 ms.
  const std::string trace = temp_path("golden.json");
  CommandResult r = run_gilsim("run scenarios/seed/gil_handover.yaml --set workload.processes[0].threads[0].program[0].cpu=15ms --trace " + trace);
  REQUIRE(r.exit_code == 0);
  const std::string golden = read_file("tests/golden/gil_handover_30ms.trace.json");
  REQUIRE_MESSAGE(!golden.empty(), "regenerate with: build/gilsim run scenarios/seed/gil_handover.yaml --set workload.processes[0].threads[0].program[0].cpu=15ms --trace tests/golden/gil_handover_30ms.trace.json");
  CHECK(read_file(trace) == golden);
  std::remove(trace.c_str());
}

TEST_CASE("validate passes a simulated trace against itself with zero error") {
  const std::string trace = temp_path("self.json");
  REQUIRE(run_gilsim("run scenarios/seed/convoy.yaml --variant interval-15ms --trace " + trace).exit_code == 0);
  CommandResult r = run_gilsim("validate scenarios/seed/convoy.yaml --measured " + trace + " --json");
  CHECK(r.exit_code == 0);
  YAML::Node report = YAML::Load(r.out)["reports"][0];
  CHECK(report["variant"].as<std::string>() == "interval-15ms");
  CHECK(report["makespan"]["error"].as<double>() == doctest::Approx(0.0));
  CHECK(report["step_completion"]["median"].as<double>() == doctest::Approx(0.0));
  CHECK(report["step_completion"]["matched"].as<long long>() == 4001);
  CHECK(report["step_completion"]["measured_only"].as<long long>() == 0);
  std::remove(trace.c_str());
}

TEST_CASE("validate fails, exit 1, when the measured run differs beyond the tolerance") {
  // The threads variant's trace, but with 30 ms instead of 20 ms of I/O: 50% slower.
  const std::string trace = temp_path("slow.json");
  REQUIRE(run_gilsim("run scenarios/seed/io_bound.yaml --variant threads "
                     "--set workload.processes[0].threads[0].program[0].repeat.steps[0].io=30ms --trace " + trace).exit_code == 0);
  CommandResult r = run_gilsim("validate scenarios/seed/io_bound.yaml --measured " + trace);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error -33.") != std::string::npos);  // simulated 0.1 s vs measured 0.15 s
  CHECK(r.out.find("result: FAIL") != std::string::npos);
  CHECK(run_gilsim("validate scenarios/seed/io_bound.yaml --measured " + trace + " --makespan-tolerance 40% --step-tolerance 50%").exit_code == 0);
  std::remove(trace.c_str());
}

TEST_CASE("validate notes a measured run made with another switch interval") {
  const std::string trace = temp_path("interval.json");
  REQUIRE(run_gilsim("run scenarios/seed/convoy.yaml --variant interval-5ms --switch-interval 15ms --trace " + trace).exit_code == 0);
  CommandResult r = run_gilsim("validate scenarios/seed/convoy.yaml --measured " + trace);
  CHECK(r.out.find("note: the switch intervals differ: simulated 5ms, measured 15ms") != std::string::npos);
  std::remove(trace.c_str());
}

TEST_CASE("validate refuses bad traces with the file and what is wrong, exit 2") {
  const std::string scenario = "validate scenarios/seed/gil_handover.yaml --measured ";
  CommandResult not_json = run_gilsim(scenario + "tests/fixtures/traces/not_json.json");
  CHECK(not_json.exit_code == 2);
  CHECK(not_json.err.rfind("tests/fixtures/traces/not_json.json:1:", 0) == 0);
  CHECK(not_json.err.find("error: not valid JSON") != std::string::npos);
  CHECK(run_gilsim(scenario + "tests/fixtures/traces/not_gilsim.json").err ==
        "tests/fixtures/traces/not_gilsim.json: error: not a valid gilsim trace: no otherData.scenario (is it a gilsim trace?)\n");
  CHECK(run_gilsim(scenario + "tests/fixtures/traces/step_without_args.json").err ==
        "tests/fixtures/traces/step_without_args.json: error: not a valid gilsim trace: traceEvents[0]: a step span without args\n");
  CHECK(run_gilsim(scenario + "tests/fixtures/traces/other_scenario.json").err ==
        "tests/fixtures/traces/other_scenario.json: error: the trace is from scenario 'some-other-scenario', which scenarios/seed/gil_handover.yaml does not have\n");
  CHECK(run_gilsim(scenario + "tests/fixtures/traces/missing.json").err == "tests/fixtures/traces/missing.json: error: cannot open the trace file: No such file or directory\n");
  CHECK(run_gilsim("validate scenarios/seed/gil_handover.yaml").exit_code == 2);
  // A trace whose steps do not fit the scenario: from another version of it.
  CommandResult mismatch = run_gilsim(scenario + "tests/fixtures/traces/missing_step.json");
  CHECK(mismatch.exit_code == 2);
  CHECK(mismatch.err.rfind("tests/fixtures/traces/missing_step.json: error: the trace does not fit the scenario: it has "
                           "app/worker[1] step 0 #5 (cpu 1s), which the simulation does not", 0) == 0);
}

TEST_CASE("export gives the resolved scenario, channels and new step kinds included, as JSON") {
  CommandResult r = run_gilsim("export scenarios/seed/queue_vs_pipe.yaml --variant mp-queue");
  REQUIRE(r.exit_code == 0);
  YAML::Node v = YAML::Load(r.out)["variants"][0];
  CHECK(v["variant"].as<std::string>() == "mp-queue");
  CHECK(v["channels"][0]["name"].as<std::string>() == "data");
  CHECK(v["channels"][0]["kind"].as<std::string>() == "mp_queue");
  YAML::Node body = v["processes"][0]["threads"][0]["program"][0]["steps"];
  CHECK(body[1]["kind"].as<std::string>() == "put");
  CHECK(body[1]["bytes"].as<double>() == doctest::Approx(65536));
  CHECK(v["processes"][1]["threads"][0]["program"][0]["kind"].as<std::string>() == "consume");
}
