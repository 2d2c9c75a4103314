#include "sim/trace/MeasuredTrace.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"
#include "sim/util/YamlFile.hpp"

namespace gilsim {
namespace {

// docs/trace-format.md: a thread's steps track has tid 2000000 + its state track's tid.
constexpr long long kStepTrackOffset = 2000000;
// Times are written in microseconds with 3 decimals: two times closer than this are equal.
constexpr double kTimeResolution = 1e-9;

using Track = std::pair<long long, long long>;  // (pid, tid)

[[noreturn]] void bad_trace(const std::string& file, const std::string& what) {
  throw ScenarioError(file, "not a valid gilsim trace: " + what);
}

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

std::string where(std::size_t index) { return "traceEvents[" + std::to_string(index) + "]"; }

// The span's [start, end] in seconds from its ts and dur (microseconds); throws YAML::Exception
// when they are missing or not numbers.
std::pair<double, double> read_interval(const std::string& file, const YAML::Node& event, std::size_t index) {
  const double ts = event["ts"].as<double>();
  const double dur = event["dur"].as<double>();
  if (ts < 0 || dur < 0) bad_trace(file, where(index) + ": negative ts or dur");
  return {ts * 1e-6, (ts + dur) * 1e-6};
}

TraceStep read_step(const std::string& file, const YAML::Node& event, std::size_t index) {
  const YAML::Node args = event["args"];
  if (!args || !args.IsMap()) bad_trace(file, where(index) + ": a step span without args");
  TraceStep step;
  try {
    step.process = args["process"].as<std::string>();
    step.thread = args["thread"].as<std::string>();
    step.step = args["step_index"].as<int>();
    step.iteration = args["iteration"].as<long long>();
    step.label = args["step"] ? args["step"].as<std::string>() : "";
    step.kind = event["name"].as<std::string>();
    std::tie(step.start, step.end) = read_interval(file, event, index);
  } catch (const YAML::Exception&) {
    bad_trace(file, where(index) + ": a step span needs numeric ts and dur, a name, and args process, thread, step_index, iteration");
  }
  return step;
}

// The state track (pid, tid) of a step span's thread, when the span names its track.
std::optional<Track> state_track_of(const YAML::Node& event) {
  try {
    if (event["pid"] && event["tid"])
      return Track{event["pid"].as<long long>(), event["tid"].as<long long>() - kStepTrackOffset};
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

bool is_span(const YAML::Node& event, const char* category) {
  return event.IsMap() && scalar(event, "ph") == "X" && scalar(event, "cat") == category;
}

// What the trace says about its GIL runs (otherData.gil_runs), checked.
struct GilRunsDeclaration {
  bool declared = false;
  bool cpu_steps_only = false;
  double min_pause = 0;
};

GilRunsDeclaration read_declaration(const std::string& file, const YAML::Node& other) {
  GilRunsDeclaration d;
  const YAML::Node node = other["gil_runs"];
  if (!node) return d;
  const std::string what = "otherData.gil_runs: expected {\"steps\": \"cpu\", \"min_pause_ns\": N >= 0, ...}";
  if (!node.IsMap()) bad_trace(file, what);
  try {
    d.min_pause = node["min_pause_ns"].as<double>() * 1e-9;
  } catch (const YAML::Exception&) {
    bad_trace(file, what + ", min_pause_ns is missing or not a number");
  }
  if (!(d.min_pause >= 0) || !std::isfinite(d.min_pause)) bad_trace(file, what + ", min_pause_ns is negative");
  if (scalar(node, "steps") != "cpu") bad_trace(file, what + ", steps is '" + scalar(node, "steps") + "'");
  d.declared = true;
  d.cpu_steps_only = true;
  return d;
}

// Reads the python state spans as GIL runs, each checked against the step it names.
class GilRunReader {
 public:
  GilRunReader(const std::string& file, const std::vector<TraceStep>& steps, const std::map<Track, std::size_t>& first_step_of_track,
               bool cpu_steps_only)
      : file_(file), steps_(steps), tracks_(first_step_of_track), cpu_steps_only_(cpu_steps_only) {
    for (std::size_t i = 0; i < steps.size(); ++i)
      by_key_[std::make_tuple(steps[i].process, steps[i].thread, steps[i].step, steps[i].iteration)] = i;
  }

  GilRun read(const YAML::Node& event, std::size_t index) const {
    GilRun run;
    Track track;
    try {
      track = {event["pid"].as<long long>(), event["tid"].as<long long>()};
      run.step = event["args"]["step_index"].as<int>();
      run.iteration = event["args"]["iteration"].as<long long>();
      std::tie(run.start, run.end) = read_interval(file_, event, index);
    } catch (const YAML::Exception&) {
      bad_trace(file_, where(index) + ": a python span (a GIL run) needs numeric pid, tid, ts and dur, and args "
                                      "step_index and iteration");
    }
    auto thread = tracks_.find(track);
    if (thread == tracks_.end())
      bad_trace(file_, where(index) + ": a python span on pid " + std::to_string(track.first) + " tid " +
                           std::to_string(track.second) + ", where no thread has steps (its steps would be on tid " +
                           std::to_string(track.second + kStepTrackOffset) + ")");
    run.process = steps_[thread->second].process;
    run.thread = steps_[thread->second].thread;
    const std::string who = where(index) + ": the python span of " + run.process + "/" + run.thread;
    auto step = by_key_.find(std::make_tuple(run.process, run.thread, run.step, run.iteration));
    const std::string named = " step " + std::to_string(run.step) + " #" + std::to_string(run.iteration);
    if (step == by_key_.end()) bad_trace(file_, who + " names" + named + ", which the thread's steps do not have");
    const TraceStep& s = steps_[step->second];
    if (cpu_steps_only_ && s.kind != "cpu")
      bad_trace(file_, who + " names" + named + " (" + s.label + "), but otherData.gil_runs says runs are of cpu steps only");
    if (run.start < s.start - kTimeResolution || run.end > s.end + kTimeResolution)
      bad_trace(file_, who + " lies outside its" + named + " (" + format_duration(s.start) + " to " +
                           format_duration(s.end) + ")");
    return run;
  }

 private:
  const std::string& file_;
  const std::vector<TraceStep>& steps_;
  const std::map<Track, std::size_t>& tracks_;
  bool cpu_steps_only_;
  std::map<std::tuple<std::string, std::string, int, long long>, std::size_t> by_key_;
};

// A thread's runs must not overlap: it runs Python in one place at a time.
void check_disjoint(const std::string& file, std::vector<GilRun> runs) {
  std::sort(runs.begin(), runs.end(), [](const GilRun& a, const GilRun& b) {
    return std::tie(a.process, a.thread, a.start, a.end) < std::tie(b.process, b.thread, b.start, b.end);
  });
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const GilRun& a = runs[i - 1];
    const GilRun& b = runs[i];
    if (a.process == b.process && a.thread == b.thread && b.start < a.end - kTimeResolution)
      bad_trace(file, "the GIL runs (python spans) of " + b.process + "/" + b.thread + " overlap at " +
                          format_duration(b.start) + ": a thread's runs must be disjoint");
  }
}

}  // namespace

double MeasuredTrace::makespan() const {
  double latest = 0;
  for (const TraceStep& s : steps) latest = std::max(latest, s.end);
  return latest;
}

MeasuredTrace read_trace(const std::string& file) {
  const YAML::Node root = load_yaml_file(file, "trace file", "JSON");
  if (!root.IsMap()) bad_trace(file, "expected a JSON object with traceEvents and otherData");
  const YAML::Node events = root["traceEvents"];
  const YAML::Node other = root["otherData"];
  if (!events || !events.IsSequence()) bad_trace(file, "no traceEvents list");
  if (!other || !other.IsMap() || !other["scenario"]) bad_trace(file, "no otherData.scenario (is it a gilsim trace?)");

  MeasuredTrace trace;
  trace.file = file;
  trace.source = scalar(other, "source");
  trace.scenario = scalar(other, "scenario");
  trace.variant = scalar(other, "variant");
  try {
    if (other["cores"]) trace.cores = other["cores"].as<int>();
    if (other["smt"]) trace.smt = other["smt"].as<int>();
    if (other["switch_interval_s"]) trace.switch_interval = other["switch_interval_s"].as<double>();
  } catch (const YAML::Exception&) {
    bad_trace(file, "otherData.cores, smt and switch_interval_s must be numbers");
  }
  if (const YAML::Node host = other["host"]; host && host.IsMap()) {
    trace.host_summary = scalar(host, "cpu_model") + ", " + scalar(host, "physical_cores") + " cores x " +
                         scalar(host, "threads_per_core") + ", " + scalar(host, "python_implementation") + " " +
                         scalar(host, "python_version");
  }
  std::map<Track, std::size_t> first_step_of_track;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const YAML::Node event = events[i];
    if (!is_span(event, "step")) continue;
    trace.steps.push_back(read_step(file, event, i));
    if (auto track = state_track_of(event)) first_step_of_track.emplace(*track, trace.steps.size() - 1);
  }
  if (trace.steps.empty()) bad_trace(file, "no step spans (events with \"cat\": \"step\")");

  // A simulated trace has every thread's python spans; a measured one has runs when it says so.
  const GilRunsDeclaration declaration = read_declaration(file, other);
  trace.has_gil_runs = declaration.declared || trace.source == "simulated";
  trace.gil_min_pause = declaration.min_pause;
  if (!trace.has_gil_runs) return trace;
  const GilRunReader runs(file, trace.steps, first_step_of_track, declaration.cpu_steps_only);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const YAML::Node event = events[i];
    if (is_span(event, "state") && scalar(event, "name") == "python") trace.gil_runs.push_back(runs.read(event, i));
  }
  check_disjoint(file, trace.gil_runs);
  return trace;
}

}  // namespace gilsim
