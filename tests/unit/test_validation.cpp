// gilsim validate's comparisons on small hand-made timelines and traces, with hand-computed
// expectations (tests/fixtures/traces/gil_*.json).
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/trace/GilActivity.hpp"
#include "sim/trace/StepKeys.hpp"
#include "sim/trace/Validation.hpp"
#include "sim/util/ScenarioError.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;

namespace {

constexpr double ms = 1e-3;
// The figures below follow from hand-made inputs: exact but for floating-point rounding.
// (doctest::Approx's default accepted +-12 us, more than the 10 us steps of the inputs.)
constexpr double kRounding = 1e-9;  // relative
const std::string kFixtures = "tests/fixtures/traces/";

// Process "app", threads w[0] and w[1] (group app/w), each with one step "cpu 10ms". They trade
// the GIL three times: w[0] runs 0-5.1 ms, w[1] 5.1-10.2, w[0] 10.2-15.1, w[1] 15.1-20.
Timeline handover_timeline() {
  Timeline t;
  t.scenario = "gil-fixture";
  t.cores = 2;
  t.smt = 1;
  t.switch_interval = 0.005;
  t.processes = {{"app"}};
  t.threads = {{0, "w[0]", "app/w", {"cpu 10ms"}, {"cpu"}}, {0, "w[1]", "app/w", {"cpu 10ms"}, {"cpu"}}};
  using S = ThreadState;
  t.spans = {{0, S::Python, 0, 0, 0, 5.1 * ms},         {0, S::GilWait, 0, 0, 5.1 * ms, 10.2 * ms},
             {0, S::Python, 0, 0, 10.2 * ms, 15.1 * ms}, {1, S::GilWait, 0, 0, 0, 5.1 * ms},
             {1, S::Python, 0, 0, 5.1 * ms, 10.2 * ms},  {1, S::GilWait, 0, 0, 10.2 * ms, 15.1 * ms},
             {1, S::Python, 0, 0, 15.1 * ms, 20 * ms}};
  t.step_spans = {{0, kStartStep, 0, 0, 0}, {0, 0, 0, 0, 15.1 * ms}, {1, kStartStep, 0, 0, 0}, {1, 0, 0, 0, 20 * ms}};
  return t;
}

double state(const StateSeconds& seconds, StepState s) { return seconds[static_cast<int>(s)]; }

std::string read_error(const std::string& file) {
  try {
    read_trace(kFixtures + file);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TraceStep step(const std::string& thread, int index, const std::string& kind, double start, double end) {
  return {"app", thread, index, 0, kind, kind, start, end};
}

// Two consumers of channel "jobs" (consume at step 0, body: cpu at step 1) share three messages
// and each finds the channel closed once. `first_takes_two`: c[0] gets messages 0 and 2, c[1]
// message 1; otherwise the other way round. Iterations count per thread, as traces write them.
std::vector<TraceStep> consumer_steps(bool first_takes_two) {
  const std::string two = first_takes_two ? "c[0]" : "c[1]";
  const std::string one = first_takes_two ? "c[1]" : "c[0]";
  std::vector<TraceStep> steps = {
      step(two, 0, "consume", 0, 1 * ms), step(two, 1, "cpu", 1 * ms, 3 * ms),   step(two, 0, "consume", 3 * ms, 4 * ms),
      step(two, 1, "cpu", 4 * ms, 6 * ms), step(two, 0, "consume", 6 * ms, 7 * ms), step(one, 0, "consume", 0, 2 * ms),
      step(one, 1, "cpu", 2 * ms, 5 * ms), step(one, 0, "consume", 5 * ms, 7.5 * ms),
      step("producer", 0, "put", 0, 0.5 * ms)};
  steps[2].iteration = steps[3].iteration = 1;
  steps[4].iteration = 2;
  steps[7].iteration = 1;
  return steps;
}

const std::vector<SharedConsumeLoop> kJobsLoops = {{"app", "c[0]", 0, 1, "app/jobs"}, {"app", "c[1]", 0, 1, "app/jobs"}};

}  // namespace

TEST_CASE("GIL activity: hand-overs are changes of thread between runs - pauses up to the resolution are inside a run") {
  // w[0]: runs 0-2, 2.03-4 (a 30 us pause: one run at a 50 us resolution), 8.1-12 in its cpu
  // step, and 4.5-5 in a put step (not a cpu step: not counted). w[1]: 4.1-6, 6.06-8 (a 60 us
  // pause: two runs), 12.1-16.
  const std::vector<TraceStep> steps = {step("w[0]", 0, "cpu", 0, 4.2 * ms), step("w[0]", 1, "put", 4.2 * ms, 5 * ms),
                                        step("w[0]", 2, "cpu", 5 * ms, 12 * ms), step("w[1]", 0, "cpu", 0, 17 * ms)};
  const std::vector<GilRun> runs = {{"app", "w[0]", 0, 0, 0, 2 * ms},          {"app", "w[0]", 0, 0, 2.03 * ms, 4 * ms},
                                    {"app", "w[0]", 1, 0, 4.5 * ms, 5 * ms},   {"app", "w[0]", 2, 0, 8.1 * ms, 12 * ms},
                                    {"app", "w[1]", 0, 0, 4.1 * ms, 6 * ms},   {"app", "w[1]", 0, 0, 6.06 * ms, 8 * ms},
                                    {"app", "w[1]", 0, 0, 12.1 * ms, 16 * ms}};
  const GilActivity a = gil_activity(steps, &runs, 50e-6, [](const ThreadKey&) { return std::string("app/w"); });
  CHECK(a.handovers.at("app") == 3);  // w[0] 0-4, w[1] 4.1-6, w[1] 6.06-8, w[0] 8.1-12, w[1] 12.1-16
  std::vector<double> lengths = a.run_lengths.at("app/w");
  std::sort(lengths.begin(), lengths.end());
  REQUIRE(lengths.size() == 5);
  CHECK_REL(lengths[0], 1.9 * ms, kRounding);
  CHECK_REL(lengths[1], 1.94 * ms, kRounding);
  CHECK_REL(lengths[2], 3.9 * ms, kRounding);
  CHECK_REL(lengths[3], 3.9 * ms, kRounding);
  CHECK_REL(lengths[4], 4 * ms, kRounding);
  CHECK(a.contended_groups.count("app/w") == 1);
  const StateSeconds& w0 = a.states.at({"app", "w[0]"});
  CHECK_REL(state(w0, StepState::Python), 7.9 * ms, kRounding);  // 4 + 3.9 of cpu steps 4.2 + 7 ms long
  CHECK_REL(state(w0, StepState::GilWait), 3.3 * ms, kRounding);
  CHECK_REL(state(w0, StepState::Channel), 0.8 * ms, kRounding);
  const StateSeconds& w1 = a.states.at({"app", "w[1]"});
  CHECK_REL(state(w1, StepState::Python), 7.74 * ms, kRounding);
  CHECK_REL(state(w1, StepState::GilWait), 9.26 * ms, kRounding);

  SUBCASE("consecutive cpu steps with no pause between them are one run") {
    const std::vector<TraceStep> two = {step("w[0]", 0, "cpu", 0, 1 * ms), step("w[0]", 1, "cpu", 1 * ms, 2 * ms)};
    const std::vector<GilRun> back_to_back = {{"app", "w[0]", 0, 0, 0, 1 * ms}, {"app", "w[0]", 1, 0, 1 * ms, 2 * ms}};
    const GilActivity b = gil_activity(two, &back_to_back, 0, [](const ThreadKey&) { return std::string("g"); });
    CHECK(b.run_lengths.at("g") == std::vector<double>{2 * ms});
    CHECK(b.handovers.at("app") == 0);
    CHECK(b.contended_groups.empty());
  }
  SUBCASE("without GIL runs only the states are known, a cpu step as a whole") {
    const GilActivity c = gil_activity(steps, nullptr, 0, [](const ThreadKey&) { return std::string("g"); });
    CHECK(c.handovers.empty());
    CHECK_REL(state(c.states.at({"app", "w[0]"}), StepState::Cpu), 11.2 * ms, kRounding);
  }
}

TEST_CASE("validate compares hand-overs, run lengths and time per state with a measured trace") {
  const MeasuredTrace measured = read_trace(kFixtures + "gil_runs.json");
  CHECK(measured.has_gil_runs);
  CHECK_REL(measured.gil_min_pause, 50e-6, kRounding);
  CHECK(measured.gil_runs.size() == 8);
  const ValidationReport r = compare(handover_timeline(), {measured}, ValidationTolerances{});
  const GilComparison& gil = r.gil;
  REQUIRE(gil.available);

  // Measured: w[0] 0-4 (merged over 30 us), 8.1-12, 16.1-18; w[1] 4.1-6, 6.06-8, 12.1-16, 18.1-20.1:
  // five hand-overs against the simulation's three. |3 - 5| = 2 <= 10% x 5 + 2: within tolerance.
  REQUIRE(gil.handovers.size() == 1);
  CHECK(gil.handovers[0].process == "app");
  CHECK(gil.handovers[0].simulated == 3);
  CHECK_REL(gil.handovers[0].measured, 5, kRounding);
  CHECK_REL(gil.handovers[0].error, -0.4, kRounding);
  CHECK(gil.handovers[0].ok);

  // Runs: simulated 5.1, 5.1, 4.9, 4.9 ms (median 4.9, p95 5.1); measured 4, 3.9, 1.9, 1.9, 1.94,
  // 3.9, 2 ms (median 2, p95 4). |4.9 - 2| > 10% x 2 + 50 us: the GIL changes hands too rarely.
  REQUIRE(gil.run_lengths.size() == 1);
  const RunLengthComparison& runs = gil.run_lengths[0];
  CHECK(runs.group == "app/w");
  CHECK(runs.simulated_runs == 4);
  CHECK(runs.measured_runs == 7);
  CHECK_REL(runs.simulated_median, 4.9 * ms, kRounding);
  CHECK_REL(runs.simulated_p95, 5.1 * ms, kRounding);
  CHECK_REL(runs.measured_median, 2 * ms, kRounding);
  CHECK_REL(runs.measured_p95, 4 * ms, kRounding);
  CHECK_REL(runs.error, 1.45, kRounding);
  CHECK(runs.checked);
  CHECK_FALSE(runs.ok);
  CHECK_FALSE(gil.ok());
  CHECK_FALSE(r.passed());
  CHECK(r.makespan_ok);  // 20 ms against 20.1 ms
  CHECK(r.steps_ok);

  // Time per state: python is the runs inside the cpu step, gil-wait the rest of it.
  REQUIRE(gil.states.size() == 2);
  CHECK_REL(state(gil.states[0].simulated, StepState::Python), 10 * ms, kRounding);
  CHECK_REL(state(gil.states[0].simulated, StepState::GilWait), 5.1 * ms, kRounding);
  CHECK_REL(state(gil.states[0].measured, StepState::Python), 9.8 * ms, kRounding);
  CHECK_REL(state(gil.states[0].measured, StepState::GilWait), 8.2 * ms, kRounding);
  CHECK_REL(state(gil.states[1].measured, StepState::Python), 9.74 * ms, kRounding);
  CHECK_REL(state(gil.states[1].measured, StepState::GilWait), 10.36 * ms, kRounding);

  SUBCASE("a wider run-length tolerance accepts the runs") {
    ValidationTolerances wide;
    wide.gil.run_length = 2.0;  // |4.9 - 2| = 2.9 <= 200% x 2 + 0.05 ms
    CHECK(compare(handover_timeline(), {measured}, wide).passed());
  }
  SUBCASE("a simulation with one hand-over against five fails the hand-over count") {
    Timeline one = handover_timeline();
    using S = ThreadState;
    one.spans = {{0, S::Python, 0, 0, 0, 10 * ms}, {1, S::GilWait, 0, 0, 0, 10 * ms}, {1, S::Python, 0, 0, 10 * ms, 20 * ms}};
    ValidationTolerances wide;
    wide.gil.run_length = 10.0;
    const ValidationReport single = compare(one, {measured}, wide);
    CHECK(single.gil.handovers[0].simulated == 1);
    CHECK_REL(single.gil.handovers[0].error, -0.8, kRounding);
    CHECK_FALSE(single.gil.handovers[0].ok);  // |1 - 5| = 4 > 10% x 5 + 2
    CHECK_FALSE(single.passed());
  }
  SUBCASE("the reports show the comparison in text and JSON") {
    std::ostringstream text;
    r.write_text(text);
    CHECK(text.str().find("GIL hand-overs   per process, simulated vs measured (tolerance 10.0% + 2):  app 3 vs 5.0 "
                          "(-40.0%): ok\n") != std::string::npos);
    CHECK(text.str().find("    app/w: 4.9ms / 5.1ms vs 2ms / 4ms (+145.0%; 4 vs 7 runs): FAIL\n") != std::string::npos);
    CHECK(text.str().find("    app/w[0]:  python 10ms vs 9.8ms  gil-wait 5.1ms vs 8.2ms\n") != std::string::npos);
    std::ostringstream json;
    r.write_json(json);
    const YAML::Node doc = YAML::Load(json.str());
    CHECK(doc["gil"]["available"].as<bool>());
    CHECK_FALSE(doc["gil"]["ok"].as<bool>());
    CHECK(doc["gil"]["handovers"][0]["simulated"].as<int>() == 3);
    CHECK_REL(doc["gil"]["run_lengths"][0]["measured"]["median_s"].as<double>(), 2 * ms, kRounding);
    CHECK_REL(doc["gil"]["thread_states"][1]["measured"]["gil-wait"].as<double>(), 10.36 * ms, kRounding);
  }
}

TEST_CASE("a trace recorded without GIL runs still validates, with the GIL comparison unavailable") {
  const MeasuredTrace old = read_trace(kFixtures + "gil_runs_absent.json");
  CHECK_FALSE(old.has_gil_runs);
  const ValidationReport r = compare(handover_timeline(), {old}, ValidationTolerances{});
  CHECK_FALSE(r.gil.available);
  CHECK(r.gil.unavailable.rfind(kFixtures + "gil_runs_absent.json has no GIL runs", 0) == 0);
  CHECK(r.gil.handovers.empty());
  CHECK(r.gil.ok());
  CHECK(r.passed());
  REQUIRE(r.gil.states.size() == 2);
  CHECK_REL(state(r.gil.states[0].simulated, StepState::Cpu), 15.1 * ms, kRounding);
  CHECK_REL(state(r.gil.states[0].measured, StepState::Cpu), 18 * ms, kRounding);
}

TEST_CASE("malformed GIL runs are refused, naming the file and what is wrong") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"gil_runs_bad_declaration.json", "otherData.gil_runs: expected {\"steps\": \"cpu\", \"min_pause_ns\": N >= 0, ...}, "
                                        "min_pause_ns is missing or not a number"},
      {"gil_run_outside_step.json", "traceEvents[11]: the python span of app/w[1] lies outside its step 0 #0 (0s to 20.1ms)"},
      {"gil_run_on_unknown_track.json", "traceEvents[4]: a python span on pid 1 tid 7, where no thread has steps (its "
                                        "steps would be on tid 2000007)"},
      {"gil_runs_overlap.json", "the GIL runs (python spans) of app/w[0] overlap at 1.5ms: a thread's runs must be disjoint"},
      {"gil_run_without_step_index.json", "traceEvents[4]: a python span (a GIL run) needs numeric pid, tid, ts and dur, "
                                          "and args step_index and iteration"}};
  for (const auto& [file, message] : cases)
    CHECK(read_error(file) == kFixtures + file + ": error: not a valid gilsim trace: " + message);
}

TEST_CASE("messages of a channel several threads consume are matched per channel, in completion order") {
  const std::vector<TraceStep> a = consumer_steps(true);
  const std::vector<TraceStep> b = consumer_steps(false);
  const std::vector<StepKey> keys_a = step_keys(a, kJobsLoops);
  const std::vector<StepKey> keys_b = step_keys(b, kJobsLoops);
  auto sorted_keys = [](const std::vector<StepKey>& keys) {
    std::vector<std::string> out;
    for (const StepKey& k : keys) out.push_back(k.key);
    std::sort(out.begin(), out.end());
    return out;
  };
  // Whoever consumed them, both runs have messages 0, 1, 2 (with their cpu step) and two closes.
  CHECK(sorted_keys(keys_a) == sorted_keys(keys_b));
  const char s = '\x1f';
  CHECK(keys_a[3].key == std::string("app/jobs") + s + "message" + s + "2" + s + "1" + s + "0");  // c[0]'s 2nd cpu
  CHECK(keys_a[3].description == "message 2 of channel app/jobs: app/c[0] step 1 #1 (cpu)");
  CHECK(keys_a[7].key == std::string("app/jobs") + s + "close" + s + "1");  // c[1] finds it closed last
  CHECK(keys_b[6].key == std::string("app/jobs") + s + "message" + s + "1" + s + "1" + s + "0");  // c[0] got message 1
  CHECK(keys_a[8].key == std::string("app") + s + "producer" + s + "0" + s + "0");  // not a consumer: per thread

  SUBCASE("a message missing from one run is still a mismatch") {
    std::vector<TraceStep> fewer = consumer_steps(false);
    fewer.erase(fewer.begin() + 2, fewer.begin() + 4);  // c[1]'s second message and its cpu step
    const std::vector<std::string> missing = sorted_keys(step_keys(fewer, kJobsLoops));
    const std::vector<std::string> all = sorted_keys(keys_a);
    CHECK(missing.size() == all.size() - 2);
    CHECK(std::includes(all.begin(), all.end(), missing.begin(), missing.end()));  // only message 2 is gone
  }
  SUBCASE("without shared loops every step is keyed by its thread") {
    CHECK(sorted_keys(step_keys(a, {})) != sorted_keys(step_keys(b, {})));
  }
}
