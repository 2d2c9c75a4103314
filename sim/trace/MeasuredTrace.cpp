#include "sim/trace/MeasuredTrace.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <map>
#include <optional>
#include <tuple>

#include <yaml-cpp/yaml.h>
#include "sim/trace/JsonStreamReader.hpp"
#include "sim/trace/TraceInput.hpp"
#include "sim/trace/TraceSizeLimits.hpp"
#include "sim/util/InputFile.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/util/TextSafety.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

// docs/trace-format.md: a thread's steps track has tid 2000000 + its state track's tid.
constexpr long long kStepTrackOffset = 2000000;
// Times are written in microseconds with 3 decimals: two times closer than this are equal.
constexpr double kTimeResolution = 1e-9;
// README "Limits": a trace is read piece by piece, but its steps are kept (~170 bytes each).
// Ten years in microseconds, as for scenario durations.
constexpr double kMaxMicroseconds = 3.2e14;
// pid and tid are JSON integers: |n| <= 2^53, so tid - kStepTrackOffset cannot overflow.
constexpr int64_t kMaxJsonInteger = int64_t{1} << 53;

using Track = std::pair<long long, long long>;  // (pid, tid)

[[noreturn]] void bad_trace(const std::string& file, const std::string& what) {
  throw ScenarioError(file, "not a valid gilsim trace: " + what);
}

std::string scalar(const JsonValue& map, const char* key) { return member_text(map, key); }

std::string where(std::size_t index) { return "traceEvents[" + std::to_string(index) + "]"; }

// A name from the trace: printed in reports, so no control characters or escapes.
std::string checked_name(const std::string& file, const std::string& at, const char* key, const std::string& text) {
  if (const auto unsafe = find_unsafe_character(text, false))
    bad_trace(file, at + ": " + key + " contains a control character, escape or bidirectional override (" +
                        describe_unsafe(*unsafe) + ")");
  return text;
}

struct BadField {};  // a missing or mistyped field: the caller says which fields it needs

const JsonValue& member(const JsonValue& map, const char* key) {
  const JsonValue* n = map.find(key);
  if (!n) throw BadField{};
  return *n;
}

int64_t integer(const JsonValue& map, const char* key, int64_t min, int64_t max) {
  int64_t value = 0;
  if (!member(map, key).integer(min, max, value)) throw BadField{};
  return value;
}

std::string string(const JsonValue& map, const char* key) {
  const JsonValue& n = member(map, key);
  if (!n.is_string()) throw BadField{};
  return n.text;
}

// The span's [start, end] in seconds from its ts and dur (microseconds).
std::pair<double, double> read_interval(const std::string& file, const JsonValue& event, std::size_t index) {
  const JsonValue& ts = member(event, "ts");
  const JsonValue& dur = member(event, "dur");
  if (!ts.is_number() || !dur.is_number()) throw BadField{};
  if (ts.number < 0 || dur.number < 0) bad_trace(file, where(index) + ": negative ts or dur");
  if (ts.number + dur.number > kMaxMicroseconds) bad_trace(file, where(index) + ": ts + dur is beyond ten years");
  return {ts.number * 1e-6, (ts.number + dur.number) * 1e-6};
}

TraceStep read_step(const std::string& file, const JsonValue& event, std::size_t index) {
  const JsonValue* args = event.find("args");
  if (!args || !args->is_object()) bad_trace(file, where(index) + ": a step span without args");
  TraceStep step;
  try {
    step.process = string(*args, "process");
    step.thread = string(*args, "thread");
    step.step = static_cast<int>(integer(*args, "step_index", -1, 1 << 30));
    step.iteration = integer(*args, "iteration", 0, kMaxJsonInteger);
    step.label = args->find("step") ? string(*args, "step") : "";
    step.kind = string(event, "name");
    std::tie(step.start, step.end) = read_interval(file, event, index);
  } catch (const BadField&) {
    bad_trace(file, where(index) + ": a step span needs numeric ts and dur, a name, and args process, thread, step_index "
                                   "(an integer from -1), iteration (an integer from 0)");
  }
  const std::string at = where(index);
  checked_name(file, at, "args.process", step.process);
  checked_name(file, at, "args.thread", step.thread);
  checked_name(file, at, "args.step", step.label);
  checked_name(file, at, "name", step.kind);
  return step;
}

// The state track (pid, tid) of a step span's thread, when the span names its track.
std::optional<Track> state_track_of(const JsonValue& event) {
  try {
    return Track{integer(event, "pid", -kMaxJsonInteger, kMaxJsonInteger),
                 integer(event, "tid", -kMaxJsonInteger, kMaxJsonInteger) - kStepTrackOffset};
  } catch (const BadField&) {
  }
  return std::nullopt;
}

bool is_span(const JsonValue& event, const char* category) {
  return event.is_object() && scalar(event, "ph") == "X" && scalar(event, "cat") == category;
}

// What the trace says about its GIL runs (otherData.gil_runs), checked.
struct GilRunsDeclaration {
  bool declared = false;
  bool cpu_steps_only = false;
  double min_pause = 0;
};

GilRunsDeclaration read_declaration(const std::string& file, const JsonValue& other) {
  GilRunsDeclaration d;
  const JsonValue* node = other.find("gil_runs");
  if (!node) return d;
  const std::string what = "otherData.gil_runs: expected {\"steps\": \"cpu\", \"min_pause_ns\": N >= 0, ...}";
  if (!node->is_object()) bad_trace(file, what);
  const JsonValue* pause = node->find("min_pause_ns");
  if (!pause || !pause->is_number()) bad_trace(file, what + ", min_pause_ns is missing or not a number");
  d.min_pause = pause->number * 1e-9;
  if (!(d.min_pause >= 0) || !std::isfinite(d.min_pause)) bad_trace(file, what + ", min_pause_ns is negative");
  if (scalar(*node, "steps") != "cpu") bad_trace(file, what + ", steps is '" + scalar(*node, "steps") + "'");
  d.declared = true;
  d.cpu_steps_only = true;
  return d;
}

// A python state span, kept until the steps are all read (a trace may list it first).
struct PythonSpan {
  std::size_t index = 0;
  bool complete = false;  // false: a field is missing or mistyped
  Track track;
  GilRun run;
};

PythonSpan read_python_span(const std::string& file, const JsonValue& event, std::size_t index) {
  PythonSpan span;
  span.index = index;
  try {
    span.track = {integer(event, "pid", -kMaxJsonInteger, kMaxJsonInteger), integer(event, "tid", -kMaxJsonInteger, kMaxJsonInteger)};
    const JsonValue& args = member(event, "args");
    span.run.step = static_cast<int>(integer(args, "step_index", -1, 1 << 30));
    span.run.iteration = integer(args, "iteration", 0, kMaxJsonInteger);
    std::tie(span.run.start, span.run.end) = read_interval(file, event, index);
    span.complete = true;
  } catch (const BadField&) {
  }
  return span;
}

// Checks the python state spans as GIL runs, each against the step it names.
class GilRunReader {
 public:
  GilRunReader(const std::string& file, const std::vector<TraceStep>& steps, const std::map<Track, std::size_t>& first_step_of_track,
               bool cpu_steps_only)
      : file_(file), steps_(steps), tracks_(first_step_of_track), cpu_steps_only_(cpu_steps_only) {
    for (std::size_t i = 0; i < steps.size(); ++i)
      by_key_[std::make_tuple(steps[i].process, steps[i].thread, steps[i].step, steps[i].iteration)] = i;
  }

  GilRun read(const PythonSpan& span) const {
    const std::size_t index = span.index;
    if (!span.complete)
      bad_trace(file_, where(index) + ": a python span (a GIL run) needs numeric pid, tid, ts and dur, and args "
                                      "step_index and iteration");
    GilRun run = span.run;
    const Track track = span.track;
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

// What one pass over the file collects; events are read one at a time.
struct TraceContent {
  bool has_events = false;
  std::optional<JsonValue> other;
  std::vector<TraceStep> steps;
  std::map<Track, std::size_t> first_step_of_track;
  std::vector<PythonSpan> python_spans;
};

TraceContent read_content(std::istream& in, const std::string& file) {
  JsonStreamReader json(in, file, kMaxTraceBytes, kMaxEventBytes);
  TraceContent content;
  if (json.next_char() != '{') {
    json.read_value();  // a JSON error first, if it is not JSON at all
    bad_trace(file, "expected a JSON object with traceEvents and otherData");
  }
  json.begin_object();
  std::string key;
  while (json.next_member(key)) {
    if (key == "traceEvents" && !content.has_events && json.next_char() == '[') {
      content.has_events = true;
      json.begin_array();
      for (std::size_t i = 0; json.next_item(); ++i) {
        const JsonValue event = json.read_value();
        if (is_span(event, "step")) {
          if (content.steps.size() == kMaxTraceSteps)
            bad_trace(file, "more than " + std::to_string(kMaxTraceSteps) + " step spans (the limit)");
          content.steps.push_back(read_step(file, event, i));
          if (auto track = state_track_of(event)) content.first_step_of_track.emplace(*track, content.steps.size() - 1);
        } else if (is_span(event, "state") && scalar(event, "name") == "python") {
          content.python_spans.push_back(read_python_span(file, event, i));
        }
      }
    } else if (key == "otherData" && !content.other) {
      content.other = json.read_value();
    } else if ((key == "traceEvents" && content.has_events) || key == "otherData") {
      throw ScenarioError(json.position(), "not a valid gilsim trace: " + key + " is given twice");
    } else {
      json.skip_value();
    }
  }
  json.end_of_document();
  return content;
}

}  // namespace

double MeasuredTrace::makespan() const {
  double latest = 0;
  for (const TraceStep& s : steps) latest = std::max(latest, s.end);
  return latest;
}

MeasuredTrace read_trace(const std::string& file) {
  TraceInput input(file);
  std::istream in(input.buffer());
  return read_trace(in, file);
}

MeasuredTrace read_trace(std::istream& in, const std::string& file) {
  TraceContent content = read_content(in, file);
  if (!content.has_events) bad_trace(file, "no traceEvents list");
  const JsonValue* other = content.other ? &*content.other : nullptr;
  if (!other || !other->is_object() || !other->find("scenario")) bad_trace(file, "no otherData.scenario (is it a gilsim trace?)");

  MeasuredTrace trace;
  trace.file = file;
  trace.source = checked_name(file, "otherData", "source", scalar(*other, "source"));
  trace.scenario = checked_name(file, "otherData", "scenario", scalar(*other, "scenario"));
  trace.variant = checked_name(file, "otherData", "variant", scalar(*other, "variant"));
  try {
    if (other->find("cores")) trace.cores = static_cast<int>(integer(*other, "cores", 0, 1 << 20));
    if (other->find("smt")) trace.smt = static_cast<int>(integer(*other, "smt", 0, 1 << 20));
    if (const JsonValue* interval = other->find("switch_interval_s")) {
      if (!interval->is_number() || interval->number < 0 || interval->number > 3.2e8) throw BadField{};
      trace.switch_interval = interval->number;
    }
  } catch (const BadField&) {
    bad_trace(file, "otherData.cores and smt must be integers, and switch_interval_s a number of seconds");
  }
  if (const JsonValue* host = other->find("host"); host && host->is_object()) {
    trace.host_summary = scalar(*host, "cpu_model") + ", " + scalar(*host, "physical_cores") + " cores x " +
                         scalar(*host, "threads_per_core") + ", " + scalar(*host, "python_implementation") + " " +
                         scalar(*host, "python_version");
    checked_name(file, "otherData", "host", trace.host_summary);
  }
  trace.steps = std::move(content.steps);
  if (trace.steps.empty()) bad_trace(file, "no step spans (events with \"cat\": \"step\")");

  // A simulated trace has every thread's python spans; a measured one has runs when it says so.
  const GilRunsDeclaration declaration = read_declaration(file, *other);
  trace.has_gil_runs = declaration.declared || trace.source == "simulated";
  trace.gil_min_pause = declaration.min_pause;
  if (!trace.has_gil_runs) return trace;
  const GilRunReader runs(file, trace.steps, content.first_step_of_track, declaration.cpu_steps_only);
  for (const PythonSpan& span : content.python_spans) trace.gil_runs.push_back(runs.read(span));
  check_disjoint(file, trace.gil_runs);
  return trace;
}

}  // namespace gilsim
