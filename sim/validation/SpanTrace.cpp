#include "sim/validation/SpanTrace.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"
#include "sim/util/YamlFile.hpp"
#include "sim/trace/Validation.hpp"

namespace gilsim {
namespace {

// Times are written in microseconds with 3 decimals: two times closer than this are equal.
constexpr double kTimeResolution = 1e-9;

[[noreturn]] void bad_trace(const std::string& file, const std::string& what) {
  throw ScenarioError(file, "not a valid program trace: " + what);
}

std::string where(std::size_t index) { return "traceEvents[" + std::to_string(index) + "]"; }

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

// process, thread, [start, end] of a span or run event; throws on anything missing or negative.
void read_common(const std::string& file, const YAML::Node& event, std::size_t index, std::string& process,
                 std::string& thread, double& start, double& end) {
  try {
    process = event["args"]["process"].as<std::string>();
    thread = event["args"]["thread"].as<std::string>();
    const double ts = event["ts"].as<double>();
    const double dur = event["dur"].as<double>();
    if (!(ts >= 0) || !(dur >= 0) || !std::isfinite(ts + dur)) bad_trace(file, where(index) + ": negative or non-finite ts or dur");
    start = ts * 1e-6;
    end = (ts + dur) * 1e-6;
  } catch (const YAML::Exception&) {
    bad_trace(file, where(index) + ": a span needs numeric ts and dur and args process and thread");
  }
}

void read_other_data(const std::string& file, const YAML::Node& other, SpanTrace& trace) {
  if (scalar(other, "format") != "spans")
    bad_trace(file, "otherData.format is '" + scalar(other, "format") +
                        "', expected 'spans' (a trace of scenarios/validation/<case>/program.py)");
  try {
    if (const YAML::Node host = other["host"]; host && host.IsMap())
      for (const auto& entry : host) trace.host[entry.first.as<std::string>()] = entry.second.IsScalar() ? entry.second.Scalar() : "";
    if (const YAML::Node work = other["work"]; work && work.IsMap())
      for (const auto& entry : work) trace.work[entry.first.as<std::string>()] = entry.second.as<double>();
    trace.switch_interval = other["switch_interval_s"].as<double>();
    const YAML::Node noise = other["noise"];
    trace.noisy = noise["noisy"].as<bool>();
    trace.others_share = noise["others_cpu_share"].as<double>();
    trace.niced_share = noise["niced_cpu_share"].as<double>();
    trace.steal_share = noise["steal_share"].as<double>();
    trace.min_pause = other["gil_runs"]["min_pause_ns"].as<double>() * 1e-9;
  } catch (const YAML::Exception&) {
    bad_trace(file, "otherData needs switch_interval_s, noise {noisy, others_cpu_share, niced_cpu_share, steal_share}, "
                    "gil_runs.min_pause_ns, and numeric work values");
  }
  if (!(trace.min_pause >= 0)) bad_trace(file, "otherData.gil_runs.min_pause_ns is negative");
}

// The innermost span of the run's thread that contains it.
const NamedSpan* containing_span(const std::vector<NamedSpan>& spans, const ThreadRun& run) {
  const NamedSpan* best = nullptr;
  for (const NamedSpan& s : spans) {
    if (s.process != run.process || s.thread != run.thread) continue;
    if (run.start < s.start - kTimeResolution || run.end > s.end + kTimeResolution) continue;
    if (!best || s.end - s.start < best->end - best->start) best = &s;
  }
  return best;
}

void check_disjoint(const std::string& file, std::vector<ThreadRun> runs) {
  std::sort(runs.begin(), runs.end(), [](const ThreadRun& a, const ThreadRun& b) {
    return std::tie(a.process, a.thread, a.start) < std::tie(b.process, b.thread, b.start);
  });
  for (std::size_t i = 1; i < runs.size(); ++i)
    if (runs[i].process == runs[i - 1].process && runs[i].thread == runs[i - 1].thread &&
        runs[i].start < runs[i - 1].end - kTimeResolution)
      bad_trace(file, "the GIL runs (python spans) of " + runs[i].process + "/" + runs[i].thread + " overlap at " +
                          format_duration(runs[i].start) + ": a thread's runs must be disjoint");
}

}  // namespace

SpanTrace read_span_trace(const std::string& file) {
  const YAML::Node root = load_yaml_file(file, "trace file", "JSON");
  if (!root.IsMap() || !root["traceEvents"] || !root["traceEvents"].IsSequence() || !root["otherData"] ||
      !root["otherData"].IsMap())
    bad_trace(file, "expected a JSON object with a traceEvents list and otherData");
  SpanTrace trace;
  trace.file = file;
  read_other_data(file, root["otherData"], trace);
  const YAML::Node events = root["traceEvents"];
  std::vector<std::size_t> run_events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const YAML::Node event = events[i];
    if (!event.IsMap() || scalar(event, "ph") != "X") continue;
    const std::string category = scalar(event, "cat");
    if (category == "state" && scalar(event, "name") == "python") {
      run_events.push_back(i);
    } else if (category == "span") {
      NamedSpan s;
      read_common(file, event, i, s.process, s.thread, s.start, s.end);
      s.name = s.kind = scalar(event, "name");
      if (s.name.empty()) bad_trace(file, where(i) + ": a span without a name");
      trace.spans.push_back(std::move(s));
    }
  }
  if (trace.spans.empty()) bad_trace(file, "no spans (events with \"cat\": \"span\")");
  for (std::size_t i : run_events) {
    ThreadRun r;
    read_common(file, events[i], i, r.process, r.thread, r.start, r.end);
    const NamedSpan* in_span = containing_span(trace.spans, r);
    if (!in_span)
      bad_trace(file, where(i) + ": the python span of " + r.process + "/" + r.thread + " at " + format_duration(r.start) +
                          " lies in no span of its thread");
    r.span_name = in_span->name;
    r.span_kind = in_span->kind;
    trace.runs.push_back(std::move(r));
  }
  check_disjoint(file, trace.runs);
  return trace;
}

SpanTrace span_trace_of(const Timeline& timeline) {
  SpanTrace trace;
  trace.switch_interval = timeline.switch_interval;
  for (const TraceStep& s : steps_of(timeline)) trace.spans.push_back({s.process, s.thread, s.label, s.kind, s.start, s.end});
  for (const StateSpan& span : timeline.spans) {
    if (span.state != ThreadState::Python) continue;
    const ThreadInfo& thread = timeline.threads[span.thread];
    const bool start = span.step == kStartStep;
    trace.runs.push_back({timeline.processes[thread.process].name, thread.name,
                          start ? "start" : thread.step_labels[span.step], start ? "start" : thread.step_kinds[span.step],
                          span.start, span.end});
  }
  return trace;
}

}  // namespace gilsim
