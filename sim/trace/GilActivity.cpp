#include "sim/trace/GilActivity.hpp"

#include <algorithm>
#include <tuple>

namespace gilsim {
namespace {

struct Interval {
  double start;
  double end;
};

// Each thread's runs inside its cpu steps, in time order, merged over pauses up to min_pause.
std::map<ThreadKey, std::vector<Interval>> merged_cpu_runs(const std::vector<TraceStep>& steps,
                                                           const std::vector<GilRun>& runs, double min_pause) {
  std::set<std::tuple<std::string, std::string, int>> cpu_steps;
  for (const TraceStep& s : steps)
    if (s.kind == "cpu") cpu_steps.emplace(s.process, s.thread, s.step);
  std::map<ThreadKey, std::vector<Interval>> by_thread;
  for (const GilRun& r : runs)
    if (cpu_steps.count({r.process, r.thread, r.step})) by_thread[{r.process, r.thread}].push_back({r.start, r.end});
  for (auto& [thread, intervals] : by_thread) {
    std::sort(intervals.begin(), intervals.end(),
              [](const Interval& a, const Interval& b) { return std::tie(a.start, a.end) < std::tie(b.start, b.end); });
    std::vector<Interval> merged;
    for (const Interval& i : intervals) {
      if (!merged.empty() && i.start - merged.back().end <= min_pause)
        merged.back().end = std::max(merged.back().end, i.end);
      else
        merged.push_back(i);
    }
    intervals = std::move(merged);
  }
  return by_thread;
}

struct ProcessRun {
  double start;
  double end;
  const ThreadKey* thread;
};

// Hand-overs per process: consecutive runs (by start) of different threads.
void count_handovers(const std::map<ThreadKey, std::vector<Interval>>& runs,
                     const std::function<std::string(const ThreadKey&)>& group_of, GilActivity& activity) {
  std::map<std::string, std::vector<ProcessRun>> by_process;
  for (const auto& [thread, intervals] : runs)
    for (const Interval& i : intervals) by_process[thread.first].push_back({i.start, i.end, &thread});
  for (auto& [process, sequence] : by_process) {
    std::sort(sequence.begin(), sequence.end(), [](const ProcessRun& a, const ProcessRun& b) {
      return std::tie(a.start, a.end, *a.thread) < std::tie(b.start, b.end, *b.thread);
    });
    long long count = 0;
    for (std::size_t i = 1; i < sequence.size(); ++i) {
      if (*sequence[i].thread == *sequence[i - 1].thread) continue;
      ++count;
      activity.contended_groups.insert(group_of(*sequence[i - 1].thread));
    }
    activity.handovers[process] = count;
  }
}

// Time of [start, end] covered by the sorted, disjoint intervals from `from` on; `from` moves
// past the intervals that end before `start` (the steps come in time order).
double covered(const std::vector<Interval>& intervals, std::size_t& from, double start, double end) {
  while (from < intervals.size() && intervals[from].end <= start) ++from;
  double total = 0;
  for (std::size_t i = from; i < intervals.size() && intervals[i].start < end; ++i)
    total += std::max(0.0, std::min(end, intervals[i].end) - std::max(start, intervals[i].start));
  return total;
}

void add_states(const std::vector<TraceStep>& steps, const std::map<ThreadKey, std::vector<Interval>>* runs,
                GilActivity& activity) {
  std::map<ThreadKey, std::vector<const TraceStep*>> by_thread;
  for (const TraceStep& s : steps)
    if (s.step != kStartStep) by_thread[{s.process, s.thread}].push_back(&s);
  static const std::vector<Interval> kNone;
  for (auto& [thread, thread_steps] : by_thread) {
    std::sort(thread_steps.begin(), thread_steps.end(),
              [](const TraceStep* a, const TraceStep* b) { return std::tie(a->start, a->end) < std::tie(b->start, b->end); });
    const std::vector<Interval>* intervals = &kNone;
    if (runs)
      if (auto found = runs->find(thread); found != runs->end()) intervals = &found->second;
    std::size_t from = 0;
    StateSeconds& seconds = activity.states[thread];
    seconds.fill(0);
    for (const TraceStep* s : thread_steps) {
      const double duration = s->end - s->start;
      const StepState state = step_state_of_kind(s->kind);
      if (state != StepState::Cpu || !runs) {
        seconds[static_cast<int>(state)] += duration;
        continue;
      }
      const double python = std::min(duration, covered(*intervals, from, s->start, s->end));
      seconds[static_cast<int>(StepState::Python)] += python;
      seconds[static_cast<int>(StepState::GilWait)] += duration - python;
    }
  }
}

}  // namespace

StepState step_state_of_kind(const std::string& kind) {
  if (kind == "cpu") return StepState::Cpu;
  if (kind == "io") return StepState::Io;
  if (kind == "sleep") return StepState::Sleep;
  if (kind == "native") return StepState::Native;
  if (kind == "lock" || kind == "unlock") return StepState::Lock;
  if (kind == "put" || kind == "get" || kind == "consume") return StepState::Channel;
  if (kind == "process_start" || kind == "join") return StepState::Process;
  return StepState::Other;  // asyncio, an executor worker's or a feeder's lifetime
}

const char* step_state_name(StepState state) {
  switch (state) {
    case StepState::Python: return "python";
    case StepState::GilWait: return "gil-wait";
    case StepState::Cpu: return "cpu";
    case StepState::Io: return "io";
    case StepState::Sleep: return "sleep";
    case StepState::Native: return "native";
    case StepState::Lock: return "lock";
    case StepState::Channel: return "channel";
    case StepState::Process: return "process";
    case StepState::Other: return "other";
  }
  return "?";
}

GilActivity gil_activity(const std::vector<TraceStep>& steps, const std::vector<GilRun>* runs, double min_pause,
                         const std::function<std::string(const ThreadKey&)>& group_of) {
  GilActivity activity;
  if (!runs) {
    add_states(steps, nullptr, activity);
    return activity;
  }
  const auto merged = merged_cpu_runs(steps, *runs, min_pause);
  count_handovers(merged, group_of, activity);
  for (const auto& [thread, intervals] : merged)
    for (const Interval& i : intervals) activity.run_lengths[group_of(thread)].push_back(i.end - i.start);
  add_states(steps, &merged, activity);
  return activity;
}

std::vector<GilRun> gil_runs_of(const Timeline& timeline) {
  std::vector<GilRun> runs;
  for (const StateSpan& span : timeline.spans) {
    if (span.state != ThreadState::Python) continue;
    const ThreadInfo& thread = timeline.threads[span.thread];
    runs.push_back({timeline.processes[thread.process].name, thread.name, span.step, span.iteration, span.start, span.end});
  }
  return runs;
}

}  // namespace gilsim
