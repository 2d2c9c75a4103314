#include "sim/trace/ChromeTraceWriter.hpp"

#include "sim/trace/ChromeGilFlows.hpp"
#include "sim/trace/ChromeRequestEvents.hpp"
#include "sim/trace/ChromeTaskEvents.hpp"
#include "sim/trace/ChromeTrackIds.hpp"
#include "sim/trace/TraceEventWriter.hpp"


#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace gilsim {
namespace {

using chrome::EventWriter;
using chrome::process_pid;
using chrome::thread_tid;
using chrome::to_ns;
using chrome::valid_times;
using chrome::write_double;
using chrome::write_int;
using chrome::write_json_string;
using chrome::write_us;

// Track ids. Within a pid no two kinds of track can share a tid: thread tids stay below
// kGilTidBase, and the machine pid holds core tracks only. The machine is not pid 0, which
// Perfetto treats as the kernel swapper; process pids are at most limits::kMaxProcesses.
constexpr int kMachinePid = 1000000;  // the requests process is chrome::kRequestsPid, 1000001
constexpr int64_t kGilTidBase = 1000000;
constexpr int64_t kStepTidBase = 2000000;
constexpr int kSlotsPerCore = 64;

using SpanIter = std::vector<size_t>::const_iterator;

int64_t gil_tid(int process) { return kGilTidBase + process; }
int64_t step_tid(int thread) { return kStepTidBase + thread + 1; }
int64_t core_tid(int core, int slot) { return int64_t{core} * kSlotsPerCore + slot + 1; }


bool valid_thread(const Timeline& timeline, int thread) {
  if (thread < 0 || static_cast<size_t>(thread) >= timeline.threads.size()) return false;
  const int process = timeline.threads[thread].process;
  return process >= 0 && static_cast<size_t>(process) < timeline.processes.size();
}

bool valid_span(const Timeline& timeline, const StateSpan& span) {
  return valid_thread(timeline, span.thread) && valid_times(span.start, span.end) &&
         static_cast<int>(span.state) < kThreadStateCount;
}

int process_of(const Timeline& timeline, size_t span) {
  return timeline.threads[timeline.spans[span].thread].process;
}

// Valid span indices grouped by process then thread, in time order. Every field takes part in
// the key, so the order (and the output) does not depend on how the spans were appended.
std::vector<size_t> sorted_spans(const Timeline& timeline) {
  std::vector<size_t> order;
  order.reserve(timeline.spans.size());
  for (size_t i = 0; i < timeline.spans.size(); ++i)
    if (valid_span(timeline, timeline.spans[i])) order.push_back(i);
  const auto key = [&](size_t i) {
    const StateSpan& s = timeline.spans[i];
    return std::make_tuple(process_of(timeline, i), s.thread, s.start, s.end, s.state, s.step,
                           s.iteration, i);
  };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  return order;
}

struct CoreTrack {
  int core;
  int slot;
};

// Every (core, slot) of the configured machine, plus any a core span uses beyond it.
std::vector<CoreTrack> core_tracks(const Timeline& timeline) {
  std::set<std::pair<int, int>> slots;
  const int smt = std::min(timeline.smt, kSlotsPerCore);
  for (int core = 0; core < timeline.cores; ++core)
    for (int slot = 0; slot < smt; ++slot) slots.emplace(core, slot);
  for (const CoreSpan& span : timeline.core_spans)
    if (span.core >= 0 && span.slot >= 0 && span.slot < kSlotsPerCore)
      slots.emplace(span.core, span.slot);
  std::vector<CoreTrack> tracks;
  for (const auto& [core, slot] : slots) tracks.push_back({core, slot});
  return tracks;
}

std::string core_track_name(const CoreTrack& track) {
  return "core " + std::to_string(track.core) + "." + std::to_string(track.slot);
}

std::vector<std::vector<int>> threads_by_process(const Timeline& timeline) {
  std::vector<std::vector<int>> threads(timeline.processes.size());
  for (size_t t = 0; t < timeline.threads.size(); ++t)
    if (valid_thread(timeline, static_cast<int>(t)))
      threads[timeline.threads[t].process].push_back(static_cast<int>(t));
  return threads;
}

// All metadata comes first, each thread_name right after its (pid, tid) first appears: Perfetto
// applies thread_name to the newest thread with that tid, and tids repeat across pids.
void write_metadata(const Timeline& timeline, const std::vector<CoreTrack>& tracks,
                    EventWriter& events) {
  const auto threads = threads_by_process(timeline);
  for (size_t p = 0; p < timeline.processes.size(); ++p) {
    const int pid = process_pid(static_cast<int>(p));
    const int64_t gil = gil_tid(static_cast<int>(p));
    events.name_metadata(pid, gil, "process_name", timeline.processes[p].name);
    events.sort_metadata(pid, gil, "process_sort_index", pid);
    events.name_metadata(pid, gil, "thread_name", "GIL holder");
    events.sort_metadata(pid, gil, "thread_sort_index", 0);
    for (int t : threads[p]) {
      events.name_metadata(pid, thread_tid(t), "thread_name", timeline.threads[t].name);
      events.sort_metadata(pid, thread_tid(t), "thread_sort_index", 2 * thread_tid(t));
      events.name_metadata(pid, step_tid(t), "thread_name", timeline.threads[t].name + " steps");
      events.sort_metadata(pid, step_tid(t), "thread_sort_index", 2 * thread_tid(t) + 1);
    }
  }
  for (size_t i = 0; i < tracks.size(); ++i) {
    const int64_t tid = core_tid(tracks[i].core, tracks[i].slot);
    events.name_metadata(kMachinePid, tid, "thread_name", core_track_name(tracks[i]));
    events.sort_metadata(kMachinePid, tid, "thread_sort_index", tid);
    if (i > 0) continue;
    // The machine goes below the Python processes.
    const auto machine_index = static_cast<int64_t>(timeline.processes.size()) + 1;
    events.name_metadata(kMachinePid, tid, "process_name", "machine");
    events.sort_metadata(kMachinePid, tid, "process_sort_index", machine_index);
  }
}

const std::string& step_label(const ThreadInfo& thread, int step) {
  static const std::string kNone;
  static const std::string kStart = "start";
  if (step == kStartStep) return kStart;
  if (step < 0 || static_cast<size_t>(step) >= thread.step_labels.size()) return kNone;
  return thread.step_labels[step];
}

const std::string& step_kind(const ThreadInfo& thread, int step) {
  static const std::string kStart = "start";
  if (step < 0 || static_cast<size_t>(step) >= thread.step_kinds.size()) return kStart;
  return thread.step_kinds[step];
}

// The steps track of every thread: what gilsim validate compares with a measured trace
// (docs/trace-format.md). Sorted by thread then time, so the output is independent of the
// order the simulation recorded them in.
void write_step_spans(const Timeline& timeline, EventWriter& events) {
  std::vector<size_t> order;
  for (size_t i = 0; i < timeline.step_spans.size(); ++i) {
    const StepSpan& span = timeline.step_spans[i];
    if (valid_thread(timeline, span.thread) && valid_times(span.start, span.end)) order.push_back(i);
  }
  const auto key = [&](size_t i) {
    const StepSpan& s = timeline.step_spans[i];
    return std::make_tuple(s.thread, s.start, s.end, s.step, s.iteration, i);
  };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  for (size_t i : order) {
    const StepSpan& span = timeline.step_spans[i];
    const ThreadInfo& thread = timeline.threads[span.thread];
    std::ostream& out = events.open_complete(process_pid(thread.process), step_tid(span.thread), to_ns(span.start),
                                             to_ns(span.end), step_kind(thread, span.step), "step");
    out << ",\"args\":{\"process\":";
    write_json_string(out, timeline.processes[thread.process].name);
    out << ",\"thread\":";
    write_json_string(out, thread.name);
    out << ",\"step\":";
    write_json_string(out, step_label(thread, span.step));
    out << ",\"step_index\":";
    write_int(out, span.step);
    out << ",\"iteration\":";
    write_int(out, span.iteration);
    out.put('}');
    events.close();
  }
}

void write_state_spans(const Timeline& timeline, SpanIter first, SpanIter last,
                       EventWriter& events) {
  for (auto it = first; it != last; ++it) {
    const StateSpan& span = timeline.spans[*it];
    const ThreadInfo& thread = timeline.threads[span.thread];
    std::ostream& out =
        events.open_complete(process_pid(thread.process), thread_tid(span.thread),
                             to_ns(span.start), to_ns(span.end), state_name(span.state), "state");
    out << ",\"args\":{\"step\":";
    write_json_string(out, step_label(thread, span.step));
    out << ",\"step_index\":";
    write_int(out, span.step);
    out << ",\"iteration\":";
    write_int(out, span.iteration);
    out.put('}');
    events.close();
  }
}

struct HolderInterval {
  int thread;
  int64_t start_ns;
  int64_t end_ns;
};

// Maximal intervals during which one thread holds the GIL, from the process's Python spans.
std::vector<HolderInterval> gil_holder_intervals(const Timeline& timeline, SpanIter first,
                                                 SpanIter last) {
  std::vector<HolderInterval> python;
  for (auto it = first; it != last; ++it) {
    const StateSpan& span = timeline.spans[*it];
    if (span.state == ThreadState::Python)
      python.push_back({span.thread, to_ns(span.start), to_ns(span.end)});
  }
  std::sort(python.begin(), python.end(), [](const HolderInterval& a, const HolderInterval& b) {
    return std::tie(a.start_ns, a.end_ns, a.thread) < std::tie(b.start_ns, b.end_ns, b.thread);
  });
  std::vector<HolderInterval> merged;
  for (HolderInterval next : python) {
    if (!merged.empty()) {
      HolderInterval& previous = merged.back();
      if (next.thread == previous.thread && next.start_ns <= previous.end_ns) {
        previous.end_ns = std::max(previous.end_ns, next.end_ns);
        continue;
      }
      // Holders never overlap in a simulation; clipping keeps a measured trace's track valid.
      next.start_ns = std::max(next.start_ns, previous.end_ns);
    }
    if (next.end_ns > next.start_ns) merged.push_back(next);
  }
  return merged;
}

void write_gil_track(const Timeline& timeline, int process, SpanIter first, SpanIter last,
                     EventWriter& events) {
  for (const HolderInterval& interval : gil_holder_intervals(timeline, first, last)) {
    events.open_complete(process_pid(process), gil_tid(process), interval.start_ns,
                         interval.end_ns, timeline.threads[interval.thread].name, "gil");
    events.close();
  }
}

struct CounterDelta {
  int64_t ns;
  int waiters;
  int runnable;
};

// +1/-1 steps of both counters at span boundaries, plus a zero step at the process's first
// span so each counter starts with a sample there.
std::vector<CounterDelta> counter_deltas(const Timeline& timeline, SpanIter first,
                                         SpanIter last) {
  std::vector<CounterDelta> deltas;
  int64_t earliest = INT64_MAX;
  for (auto it = first; it != last; ++it) {
    const StateSpan& span = timeline.spans[*it];
    earliest = std::min(earliest, to_ns(span.start));
    const int waiting = in_category(span.state, StateCategory::GilWaiting) ? 1 : 0;
    const int runnable =
        in_category(span.state, StateCategory::Running) || in_category(span.state, StateCategory::CpuWaiting) ? 1 : 0;
    if (waiting == 0 && runnable == 0) continue;
    deltas.push_back({to_ns(span.start), waiting, runnable});
    deltas.push_back({to_ns(span.end), -waiting, -runnable});
  }
  if (first != last) deltas.push_back({earliest, 0, 0});
  std::sort(deltas.begin(), deltas.end(),
            [](const CounterDelta& a, const CounterDelta& b) { return a.ns < b.ns; });
  return deltas;
}

// Emits the counter's first value and then only the times its value changes.
void write_counter(const std::vector<CounterDelta>& deltas, int CounterDelta::*field,
                   const char* name, int process, EventWriter& events) {
  int64_t value = 0;
  int64_t last_written = 0;
  bool written = false;
  for (size_t i = 0; i < deltas.size();) {
    const int64_t ns = deltas[i].ns;
    for (; i < deltas.size() && deltas[i].ns == ns; ++i) value += deltas[i].*field;
    if (written && value == last_written) continue;
    events.counter(process_pid(process), gil_tid(process), ns, name, value);
    last_written = value;
    written = true;
  }
}

void write_process_events(const Timeline& timeline, int process, SpanIter first, SpanIter last,
                          EventWriter& events) {
  write_state_spans(timeline, first, last, events);
  write_gil_track(timeline, process, first, last, events);
  const auto deltas = counter_deltas(timeline, first, last);
  write_counter(deltas, &CounterDelta::waiters, "GIL waiters", process, events);
  write_counter(deltas, &CounterDelta::runnable, "runnable", process, events);
}

void write_all_process_events(const Timeline& timeline, EventWriter& events) {
  const std::vector<size_t> order = sorted_spans(timeline);
  auto first = order.cbegin();
  while (first != order.cend()) {
    const int process = process_of(timeline, *first);
    auto last = first;
    while (last != order.cend() && process_of(timeline, *last) == process) ++last;
    write_process_events(timeline, process, first, last, events);
    first = last;
  }
}

bool valid_core_span(const Timeline& timeline, const CoreSpan& span) {
  return span.core >= 0 && span.slot >= 0 && span.slot < kSlotsPerCore &&
         valid_thread(timeline, span.thread) && valid_times(span.start, span.end);
}

void write_core_spans(const Timeline& timeline, EventWriter& events) {
  std::vector<size_t> order;
  for (size_t i = 0; i < timeline.core_spans.size(); ++i)
    if (valid_core_span(timeline, timeline.core_spans[i])) order.push_back(i);
  const auto key = [&](size_t i) {
    const CoreSpan& s = timeline.core_spans[i];
    return std::make_tuple(s.core, s.slot, s.start, s.end, s.thread, i);
  };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  for (size_t i : order) {
    const CoreSpan& span = timeline.core_spans[i];
    const ThreadInfo& thread = timeline.threads[span.thread];
    std::ostream& out =
        events.open_complete(kMachinePid, core_tid(span.core, span.slot), to_ns(span.start),
                             to_ns(span.end), thread.name, "core");
    out << ",\"args\":{\"process\":";
    write_json_string(out, timeline.processes[thread.process].name);
    out.put('}');
    events.close();
  }
}

void write_other_data(const Timeline& timeline, const chrome::HandoverFlows& flows, std::ostream& out) {
  out << "\"otherData\":{\"source\":\"simulated\",\"scenario\":";
  write_json_string(out, timeline.scenario);
  out << ",\"variant\":";
  write_json_string(out, timeline.variant);
  out << ",\"cores\":";
  write_int(out, timeline.cores);
  out << ",\"smt\":";
  write_int(out, timeline.smt);
  out << ",\"switch_interval_s\":";
  write_double(out, timeline.switch_interval);
  out << ",\"gil_handover_flows\":{\"written\":";
  write_int(out, flows.written);
  out << ",\"left_out\":";
  write_int(out, flows.left_out);
  out << "}}";
}

}  // namespace

chrome::HandoverFlows write_chrome_trace(const Timeline& timeline, std::ostream& out, std::size_t max_bytes) {
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
  EventWriter events(out);
  write_metadata(timeline, core_tracks(timeline), events);
  write_all_process_events(timeline, events);
  write_step_spans(timeline, events);
  write_core_spans(timeline, events);
  chrome::write_requests(timeline, events);
  chrome::write_tasks(timeline, events);
  // Last, so that a trace near its size limit loses only its latest arrows: what follows them
  // is the closing bracket and otherData (its names escaped at worst, 6 bytes per byte).
  const std::size_t tail = 1024 + 6 * (timeline.scenario.size() + timeline.variant.size());
  const chrome::HandoverFlows flows = chrome::write_handover_flows(timeline, events, out, max_bytes, tail);
  out << "\n],\n";
  write_other_data(timeline, flows, out);
  out << "}\n";
  return flows;
}

}  // namespace gilsim
