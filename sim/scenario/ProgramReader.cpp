#include "sim/scenario/ProgramReader.hpp"

#include "sim/scenario/Limits.hpp"
#include "sim/scenario/Units.hpp"

namespace gilsim {
namespace {

const char* const kStepKinds = "cpu, io, native, sleep, repeat";

Latency read_latency(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return Latency::fixed(values.duration(node, path, true));
  MapReader map(values.source, node, path);
  std::string distribution = "fixed";
  if (auto d = map.get("distribution"); d.IsDefined()) distribution = values.string(d, map.path_of("distribution"));
  Latency latency;
  if (distribution == "fixed") {
    latency = Latency::fixed(values.duration(map.require("latency"), map.path_of("latency"), true));
  } else if (distribution == "uniform") {
    latency.kind = Latency::Kind::Uniform;
    latency.a = values.duration(map.require("min"), map.path_of("min"), true);
    YAML::Node max = map.require("max");
    latency.b = values.duration(max, map.path_of("max"), true);
    if (latency.b < latency.a)
      values.source.fail(max, map.path_of("max"), "expected max >= min, got '" + max.Scalar() + "'");
  } else if (distribution == "exponential") {
    latency.kind = Latency::Kind::Exponential;
    latency.a = values.duration(map.require("mean"), map.path_of("mean"));
  } else {
    values.source.fail(map.get("distribution"), map.path_of("distribution"),
                       "expected one of fixed, uniform, exponential, got '" + distribution + "'");
  }
  map.reject_unknown_keys();
  return latency;
}

Step read_step(const ValueReader& values, const YAML::Node& node, const std::string& path,
               int depth) {
  if (!node.IsMap() || node.size() != 1)
    values.source.fail(node, path,
                       std::string("expected a step: a mapping with one key among ") + kStepKinds +
                           ", got " + (node.IsMap() ? "a mapping with " + std::to_string(node.size()) + " keys" : describe_node(node)));
  const YAML::Node key = node.begin()->first;
  const YAML::Node value = node.begin()->second;
  const std::string kind = key.IsScalar() ? key.Scalar() : "";
  const std::string step_path = path + "." + kind;
  Step step;
  if (kind == "cpu") {
    double s = values.duration(value, step_path);
    step = {CpuStep{s}, "cpu " + format_duration(s)};
  } else if (kind == "native") {
    NativeStep native;
    if (value.IsMap()) {
      MapReader map(values.source, value, step_path);
      native.seconds = values.duration(map.require("time"), map.path_of("time"));
      if (auto t = map.get("threads"); t.IsDefined())
        native.threads = static_cast<int>(values.integer(t, map.path_of("threads"), 1, limits::kMaxNativeThreads));
      map.reject_unknown_keys();
    } else {
      native.seconds = values.duration(value, step_path);
    }
    step = {native, "native " + format_duration(native.seconds) +
                        (native.threads > 1 ? " x" + std::to_string(native.threads) : "")};
  } else if (kind == "sleep") {
    double s = values.duration(value, step_path, true);
    step = {SleepStep{s}, "sleep " + format_duration(s)};
  } else if (kind == "io") {
    Latency latency = read_latency(values, value, step_path);
    step = {IoStep{latency}, "io " + latency.describe()};
  } else if (kind == "repeat") {
    if (depth >= limits::kMaxNesting)
      values.source.fail(key, step_path, "repeat nested deeper than " + std::to_string(limits::kMaxNesting) + " levels");
    MapReader map(values.source, value, step_path);
    RepeatStep repeat;
    repeat.count = values.integer(map.require("count"), map.path_of("count"), 1, limits::kMaxRepeat);
    repeat.body = read_program(values, map.require("steps"), map.path_of("steps"), depth + 1);
    map.reject_unknown_keys();
    step = {repeat, "repeat x" + std::to_string(repeat.count)};
  } else {
    values.source.fail(key, path + "." + kind, std::string("unknown step kind; expected one of: ") + kStepKinds);
  }
  return step;
}

}  // namespace

std::vector<Step> read_program(const ValueReader& values, const YAML::Node& node,
                               const std::string& path, int depth) {
  values.expect_sequence(node, path);
  if (node.size() == 0) values.source.fail(node, path, "expected at least one step, got an empty list");
  std::vector<Step> program;
  for (std::size_t i = 0; i < node.size(); ++i)
    program.push_back(read_step(values, node[i], path + "[" + std::to_string(i) + "]", depth));
  return program;
}

double count_step_executions(const std::vector<Step>& program) {
  double total = 0;
  for (const Step& step : program) {
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      total += static_cast<double>(repeat->count) * count_step_executions(repeat->body);
    else
      total += 1;
  }
  return total;
}

}  // namespace gilsim
