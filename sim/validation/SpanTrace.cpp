#include "sim/validation/SpanTrace.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"
#include "sim/trace/JsonStreamReader.hpp"
#include "sim/trace/TraceInput.hpp"
#include "sim/trace/TraceSizeLimits.hpp"
#include "sim/trace/Validation.hpp"

namespace gilsim {
namespace {

// Times are written in microseconds with 3 decimals: two times closer than this are equal.
constexpr double kTimeResolution = 1e-9;

[[noreturn]] void bad_trace(const std::string& file, const std::string& what) {
  throw ScenarioError(file, "not a valid program trace: " + what);
}

std::string where(std::size_t index) { return "traceEvents[" + std::to_string(index) + "]"; }

// A number member, or nothing when it is absent or not a number.
std::optional<double> number(const JsonValue* object, const char* key) {
  const JsonValue* n = object ? object->find(key) : nullptr;
  if (!n || !n->is_number()) return std::nullopt;
  return n->number;
}

// process, thread, [start, end] of a span or run event; throws on anything missing or negative.
void read_common(const std::string& file, const JsonValue& event, std::size_t index, std::string& process,
                 std::string& thread, double& start, double& end) {
  const JsonValue* args = event.find("args");
  const auto ts = number(&event, "ts");
  const auto dur = number(&event, "dur");
  if (!args || !args->is_object() || !args->find("process") || !args->find("process")->is_string() ||
      !args->find("thread") || !args->find("thread")->is_string() || !ts || !dur)
    bad_trace(file, where(index) + ": a span needs numeric ts and dur and args process and thread");
  if (!(*ts >= 0) || !(*dur >= 0) || !std::isfinite(*ts + *dur)) bad_trace(file, where(index) + ": negative or non-finite ts or dur");
  process = args->find("process")->text;
  thread = args->find("thread")->text;
  start = *ts * 1e-6;
  end = (*ts + *dur) * 1e-6;
}

void read_other_data(const std::string& file, const JsonValue& other, SpanTrace& trace) {
  if (!other.is_object()) bad_trace(file, "otherData is not an object");
  if (member_text(other, "format") != "spans")
    bad_trace(file, "otherData.format is '" + member_text(other, "format") +
                        "', expected 'spans' (a trace of scenarios/validation/<case>/program.py)");
  if (const JsonValue* host = other.find("host"); host && host->is_object())
    for (const auto& [key, value] : host->members) trace.host[key] = member_text(*host, key.c_str());
  if (const JsonValue* work = other.find("work"); work && work->is_object())
    for (const auto& [key, value] : work->members) {
      if (!value.is_number()) bad_trace(file, "otherData.work." + key + " is not a number");
      trace.work[key] = value.number;
    }
  const JsonValue* noise = other.find("noise");
  const JsonValue* noisy = noise && noise->is_object() ? noise->find("noisy") : nullptr;
  const JsonValue* gil_runs = other.find("gil_runs");
  const auto interval = number(&other, "switch_interval_s");
  const auto others = number(noise, "others_cpu_share");
  const auto niced = number(noise, "niced_cpu_share");
  const auto steal = number(noise, "steal_share");
  const auto min_pause = number(gil_runs, "min_pause_ns");
  if (!noisy || noisy->type != JsonValue::Type::Bool || !interval || !others || !niced || !steal || !min_pause)
    bad_trace(file, "otherData needs switch_interval_s, noise {noisy, others_cpu_share, niced_cpu_share, steal_share}, "
                    "gil_runs.min_pause_ns, and numeric work values");
  trace.switch_interval = *interval;
  trace.noisy = noisy->boolean;
  trace.others_share = *others;
  trace.niced_share = *niced;
  trace.steal_share = *steal;
  trace.min_pause = *min_pause * 1e-9;
  if (!(trace.min_pause >= 0)) bad_trace(file, "otherData.gil_runs.min_pause_ns is negative");
}

using ThreadKey = std::pair<std::string, std::string>;

// Places each run in the innermost span of its thread that contains it, or reports the first run
// that lies in none. A thread's spans nest or follow one another (a program's spans are a call
// tree) and its runs are disjoint, so one sweep in time order finds them all with a stack of the
// open spans: a convoy run has 50,000 spans and as many runs, too many to search each time.
void place_runs(const std::string& file, const std::vector<NamedSpan>& spans,
                std::vector<std::pair<ThreadRun, std::size_t>>& runs) {
  std::map<ThreadKey, std::vector<const NamedSpan*>> spans_of;
  for (const NamedSpan& s : spans) spans_of[{s.process, s.thread}].push_back(&s);
  std::map<ThreadKey, std::vector<std::pair<ThreadRun, std::size_t>*>> runs_of;
  for (auto& run : runs) runs_of[{run.first.process, run.first.thread}].push_back(&run);
  for (auto& [thread, its_runs] : runs_of) {
    std::vector<const NamedSpan*>& its_spans = spans_of[thread];
    // Outer spans first among those starting together, so that inner ones stack above them.
    std::stable_sort(its_spans.begin(), its_spans.end(), [](const NamedSpan* a, const NamedSpan* b) {
      return a->start != b->start ? a->start < b->start : a->end > b->end;
    });
    std::stable_sort(its_runs.begin(), its_runs.end(), [](const auto* a, const auto* b) { return a->first.start < b->first.start; });
    std::vector<const NamedSpan*> open;
    std::size_t next = 0;
    for (auto* entry : its_runs) {
      ThreadRun& r = entry->first;
      while (next < its_spans.size() && its_spans[next]->start <= r.start + kTimeResolution) open.push_back(its_spans[next++]);
      // A span ending before this run ends contains neither it nor any later run of the thread.
      while (!open.empty() && open.back()->end < r.end - kTimeResolution) open.pop_back();
      if (open.empty())
        bad_trace(file, where(entry->second) + ": the python span of " + r.process + "/" + r.thread + " at " +
                            format_duration(r.start) + " lies in no span of its thread");
      r.span_name = open.back()->name;
      r.span_kind = open.back()->kind;
    }
  }
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
  TraceInput input(file);
  std::istream in(input.buffer());
  JsonStreamReader json(in, file, kMaxTraceBytes, kMaxEventBytes);
  if (json.next_char() != '{') {
    json.read_value();  // a JSON error first, if it is not JSON at all
    bad_trace(file, "expected a JSON object with a traceEvents list and otherData");
  }
  SpanTrace trace;
  trace.file = file;
  bool has_events = false, has_other = false;
  std::vector<std::pair<ThreadRun, std::size_t>> runs;  // with their event's index
  json.begin_object();
  std::string key;
  while (json.next_member(key)) {
    if (key == "traceEvents" && !has_events && json.next_char() == '[') {
      has_events = true;
      json.begin_array();
      for (std::size_t i = 0; json.next_item(); ++i) {
        const JsonValue event = json.read_value();
        if (!event.is_object() || member_text(event, "ph") != "X") continue;
        const std::string category = member_text(event, "cat");
        if (category == "state" && member_text(event, "name") == "python") {
          ThreadRun r;
          read_common(file, event, i, r.process, r.thread, r.start, r.end);
          runs.emplace_back(std::move(r), i);
        } else if (category == "span") {
          NamedSpan s;
          read_common(file, event, i, s.process, s.thread, s.start, s.end);
          s.name = s.kind = member_text(event, "name");
          if (s.name.empty()) bad_trace(file, where(i) + ": a span without a name");
          trace.spans.push_back(std::move(s));
        } else if (category == "request") {
          NamedSpan r;
          read_common(file, event, i, r.process, r.thread, r.start, r.end);
          r.name = r.kind = member_text(event, "name");
          if (r.name.empty()) bad_trace(file, where(i) + ": a request without a name");
          trace.requests.push_back(std::move(r));
        }
        if (trace.spans.size() + runs.size() + trace.requests.size() > kMaxTraceSteps)
          bad_trace(file, "more than " + std::to_string(kMaxTraceSteps) + " spans, runs and requests (the limit)");
      }
    } else if (key == "otherData" && !has_other) {
      has_other = true;
      read_other_data(file, json.read_value(), trace);
    } else if (key == "traceEvents" || key == "otherData") {
      throw ScenarioError(json.position(), "not a valid program trace: " + key + " is given twice");
    } else {
      json.skip_value();
    }
  }
  json.end_of_document();
  if (!has_events || !has_other) bad_trace(file, "expected a JSON object with a traceEvents list and otherData");
  if (trace.spans.empty()) bad_trace(file, "no spans (events with \"cat\": \"span\")");
  place_runs(file, trace.spans, runs);
  for (auto& entry : runs) trace.runs.push_back(std::move(entry.first));
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
  for (const RequestRecord& r : timeline.requests) {
    const std::string& source = timeline.request_sources[static_cast<std::size_t>(r.source)];
    trace.requests.push_back({"requests", source, source, source, r.arrival, r.end});
  }
  return trace;
}

}  // namespace gilsim
