#include "sim/trace/MeasuredTrace.hpp"

#include <algorithm>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/ScenarioError.hpp"

namespace gilsim {
namespace {

[[noreturn]] void bad_trace(const std::string& file, const std::string& what) {
  throw ScenarioError(file, "not a valid gilsim trace: " + what);
}

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

TraceStep read_step(const std::string& file, const YAML::Node& event, std::size_t index) {
  const std::string where = "traceEvents[" + std::to_string(index) + "]";
  const YAML::Node args = event["args"];
  if (!args || !args.IsMap()) bad_trace(file, where + ": a step span without args");
  TraceStep step;
  try {
    step.process = args["process"].as<std::string>();
    step.thread = args["thread"].as<std::string>();
    step.step = args["step_index"].as<int>();
    step.iteration = args["iteration"].as<long long>();
    step.label = args["step"] ? args["step"].as<std::string>() : "";
    step.kind = event["name"].as<std::string>();
    const double ts = event["ts"].as<double>();
    const double dur = event["dur"].as<double>();
    if (ts < 0 || dur < 0) bad_trace(file, where + ": negative ts or dur");
    step.start = ts * 1e-6;
    step.end = (ts + dur) * 1e-6;
  } catch (const YAML::Exception&) {
    bad_trace(file, where + ": a step span needs numeric ts and dur, a name, and args process, thread, step_index, iteration");
  }
  return step;
}

}  // namespace

double MeasuredTrace::makespan() const {
  double latest = 0;
  for (const TraceStep& s : steps) latest = std::max(latest, s.end);
  return latest;
}

MeasuredTrace read_trace(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw ScenarioError(file, "cannot open the trace file");
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                        "not valid JSON: " + e.msg);
  }
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
  for (std::size_t i = 0; i < events.size(); ++i) {
    const YAML::Node event = events[i];
    if (event.IsMap() && scalar(event, "ph") == "X" && scalar(event, "cat") == "step")
      trace.steps.push_back(read_step(file, event, i));
  }
  if (trace.steps.empty()) bad_trace(file, "no step spans (events with \"cat\": \"step\")");
  return trace;
}

}  // namespace gilsim
