#include "sim/timeline/Timeline.hpp"

#include <algorithm>

namespace gilsim {

void Timeline::prepare_totals() {
  state_seconds.assign(threads.size(), {});
  python_seconds.assign(processes.size(), 0);
  process_handovers.assign(processes.size(), {});
  core_occupancy.assign(static_cast<std::size_t>(std::max(cores, 0)), {});
}

namespace {

// Keeps the items of `table` whose new index is not -1.
template <class T>
void compact(std::vector<T>& table, const std::vector<int>& renumbered) {
  std::vector<T> kept;
  for (std::size_t i = 0; i < table.size() && i < renumbered.size(); ++i)
    if (renumbered[i] >= 0) kept.push_back(std::move(table[i]));
  table = std::move(kept);
}

}  // namespace

void Timeline::drop_processes(const std::vector<bool>& dropped) {
  std::vector<int> process_index(processes.size(), -1), thread_index(threads.size(), -1);
  int next = 0;
  for (std::size_t p = 0; p < processes.size(); ++p)
    if (p >= dropped.size() || !dropped[p]) process_index[p] = next++;
  next = 0;
  for (std::size_t t = 0; t < threads.size(); ++t)
    if (process_index[threads[t].process] >= 0) thread_index[t] = next++;
  for (ThreadInfo& t : threads) t.process = process_index[t.process];
  compact(processes, process_index);
  compact(process_gil_switches, process_index);
  compact(process_handovers, process_index);
  compact(python_seconds, process_index);
  compact(process_ready, process_index);
  compact(threads, thread_index);
  compact(gil_switches_in, thread_index);
  compact(solo_seconds, thread_index);
  compact(finish_time, thread_index);
  compact(state_seconds, thread_index);
  // Threads that never ran have no spans: every span's thread is kept.
  for (StateSpan& s : spans) s.thread = thread_index[s.thread];
  for (StepSpan& s : step_spans) s.thread = thread_index[s.thread];
  for (CoreSpan& s : core_spans) s.thread = thread_index[s.thread];
  for (TaskSpan& s : task_spans) s.thread = thread_index[s.thread];
  for (GilHandover& h : gil_handovers) {
    h.from = thread_index[h.from];
    h.to = thread_index[h.to];
  }
}

void Timeline::add_span(const StateSpan& span) {
  const double seconds = span.end - span.start;
  state_seconds[span.thread][static_cast<int>(span.state)] += seconds;
  const ThreadInfo& info = threads[span.thread];
  if (span.state == ThreadState::Python) python_seconds[info.process] += seconds;
  if (span.step >= 0 && span.step < static_cast<int>(info.step_kinds.size())) {
    const std::string& kind = info.step_kinds[span.step];
    if (kind == "put" || kind == "get" || kind == "consume" || kind == "feed" || kind == "executor_manager") {
      if (span.state == ThreadState::Python) pickling_seconds += seconds;
      if (span.state == ThreadState::Io) transfer_seconds += seconds;
    }
  }
  if (keep_spans) spans.push_back(span);
}

void Timeline::add_core_span(const CoreSpan& span) {
  busy_slot_seconds += span.end - span.start;
  if (keep_spans) core_spans.push_back(span);
}

int Timeline::coroutine_name(const std::string& name) {
  // A few coroutine kinds per scenario: a linear search.
  const auto found = std::find(coroutine_names.begin(), coroutine_names.end(), name);
  if (found != coroutine_names.end()) return static_cast<int>(found - coroutine_names.begin());
  coroutine_names.push_back(name);
  return static_cast<int>(coroutine_names.size()) - 1;
}

void Timeline::add_handover(int process, const GilHandover& handover) {
  HandoverCounts& counts = process_handovers[process];
  ++(handover.forced ? counts.forced : counts.voluntary);
  if (keep_spans) gil_handovers.push_back(handover);
}

void Timeline::set_core_load(int core, int running, double now) {
  CoreOccupancy& c = core_occupancy[core];
  if (c.running >= 1) c.busy += now - c.since;
  if (c.running >= smt) c.siblings_busy += now - c.since;
  c.running = running;
  c.since = now;
}

}  // namespace gilsim
