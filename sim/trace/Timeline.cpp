#include "sim/trace/Timeline.hpp"

#include <algorithm>

namespace gilsim {

const char* state_name(ThreadState state) {
  switch (state) {
    case ThreadState::Python: return "python";
    case ThreadState::GilWait: return "gil-wait";
    case ThreadState::Io: return "io";
    case ThreadState::Native: return "native";
    case ThreadState::Sleep: return "sleep";
    case ThreadState::LockWait: return "lock-wait";
    case ThreadState::Wait: return "wait";
  }
  return "?";
}

void Timeline::prepare_totals() {
  state_seconds.assign(threads.size(), {});
  python_seconds.assign(processes.size(), 0);
  core_occupancy.assign(static_cast<std::size_t>(std::max(cores, 0)), {});
}

void Timeline::add_span(const StateSpan& span) {
  const double seconds = span.end - span.start;
  state_seconds[span.thread][static_cast<int>(span.state)] += seconds;
  const ThreadInfo& info = threads[span.thread];
  if (span.state == ThreadState::Python) python_seconds[info.process] += seconds;
  if (span.step >= 0 && span.step < static_cast<int>(info.step_kinds.size())) {
    const std::string& kind = info.step_kinds[span.step];
    if (kind == "put" || kind == "get" || kind == "consume" || kind == "feed") {
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

void Timeline::set_core_load(int core, int running, double now) {
  CoreOccupancy& c = core_occupancy[core];
  if (c.running >= 1) c.busy += now - c.since;
  if (c.running >= smt) c.siblings_busy += now - c.since;
  c.running = running;
  c.since = now;
}

}  // namespace gilsim
