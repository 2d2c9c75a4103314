#include "sim/validation/CaseMetrics.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>
#include <vector>

#include "sim/trace/GilComparison.hpp"
#include "sim/trace/LatencyStats.hpp"

namespace gilsim {
namespace {

struct Interval {
  double start;
  double end;
};

bool field_matches(const std::string& pattern, const std::string& text) {
  return pattern.empty() || pattern_matches(pattern, text);
}

bool matches(const Selector& s, const std::string& process, const std::string& thread, const std::string& name,
             const std::string& kind) {
  return field_matches(s.process, process) && field_matches(s.thread, thread) && field_matches(s.span, name) &&
         field_matches(s.kind, kind);
}

std::vector<const NamedSpan*> select_spans(const SpanTrace& trace, const Selector& s) {
  std::vector<const NamedSpan*> out;
  for (const NamedSpan& span : trace.spans)
    if (matches(s, span.process, span.thread, span.name, span.kind)) out.push_back(&span);
  return out;
}

Interval extent(const std::vector<const NamedSpan*>& spans) {
  Interval e{spans.front()->start, spans.front()->end};
  for (const NamedSpan* s : spans) e = {std::min(e.start, s->start), std::max(e.end, s->end)};
  return e;
}

double statistic(std::vector<double> values, Statistic stat) {
  switch (stat) {
    case Statistic::Median: return percentile(values, 0.5);
    case Statistic::P90: return percentile(values, 0.9);
    case Statistic::P95: return percentile(values, 0.95);
    case Statistic::P99:  // as gilsim's request summary computes it (0.99 x 100 is 99.00000000000001)
      std::sort(values.begin(), values.end());
      return nearest_rank(values, 0.99);
    case Statistic::Mean: return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    case Statistic::Min: return *std::min_element(values.begin(), values.end());
    case Statistic::Max: return *std::max_element(values.begin(), values.end());
    case Statistic::Sum: return std::accumulate(values.begin(), values.end(), 0.0);
  }
  return 0;
}

// The selected runs of each thread ((process, thread) -> intervals in time order), merged over
// pauses up to min_pause.
std::map<std::pair<std::string, std::string>, std::vector<Interval>> merged_runs(const SpanTrace& trace, const Selector& s,
                                                                                 double min_pause) {
  std::map<std::pair<std::string, std::string>, std::vector<Interval>> by_thread;
  for (const ThreadRun& r : trace.runs)
    if (matches(s, r.process, r.thread, r.span_name, r.span_kind)) by_thread[{r.process, r.thread}].push_back({r.start, r.end});
  for (auto& [thread, runs] : by_thread) {
    std::sort(runs.begin(), runs.end(), [](const Interval& a, const Interval& b) { return std::tie(a.start, a.end) < std::tie(b.start, b.end); });
    std::vector<Interval> merged;
    for (const Interval& r : runs) {
      if (!merged.empty() && r.start - merged.back().end <= min_pause) merged.back().end = std::max(merged.back().end, r.end);
      else merged.push_back(r);
    }
    runs = std::move(merged);
  }
  return by_thread;
}

struct Handovers {
  long long count = 0;
  std::vector<double> gaps;
  Interval extent{0, 0};
  bool any = false;
};

// Consecutive runs (by start) of different threads of one process are a hand-over.
Handovers handovers(const std::map<std::pair<std::string, std::string>, std::vector<Interval>>& runs) {
  struct Run {
    Interval interval;
    const std::string* thread;
  };
  std::map<std::string, std::vector<Run>> by_process;
  Handovers h;
  for (const auto& [key, intervals] : runs)
    for (const Interval& i : intervals) {
      by_process[key.first].push_back({i, &key.second});
      h.extent = h.any ? Interval{std::min(h.extent.start, i.start), std::max(h.extent.end, i.end)} : i;
      h.any = true;
    }
  for (auto& [process, sequence] : by_process) {
    std::sort(sequence.begin(), sequence.end(), [](const Run& a, const Run& b) {
      return std::tie(a.interval.start, a.interval.end, *a.thread) < std::tie(b.interval.start, b.interval.end, *b.thread);
    });
    for (std::size_t i = 1; i < sequence.size(); ++i) {
      if (*sequence[i].thread == *sequence[i - 1].thread) continue;
      ++h.count;
      h.gaps.push_back(sequence[i].interval.start - sequence[i - 1].interval.end);
    }
  }
  return h;
}

// Time of the spans covered by their own thread's runs, over the spans' total time.
MetricValue python_share(const std::vector<const NamedSpan*>& spans,
                         const std::map<std::pair<std::string, std::string>, std::vector<Interval>>& runs) {
  double total = 0, covered = 0;
  for (const NamedSpan* s : spans) {
    total += s->end - s->start;
    auto it = runs.find({s->process, s->thread});
    if (it == runs.end()) continue;
    for (const Interval& r : it->second) covered += std::max(0.0, std::min(s->end, r.end) - std::max(s->start, r.start));
  }
  if (total <= 0) return {false, 0, "the selected spans last no time"};
  return {true, covered / total, ""};
}

MetricValue none(const char* what, const Selector& s) { return {false, 0, std::string("no ") + what + " matches " + describe(s)}; }

// A statistic of the selected requests' latencies (arrival, or the client's send, to completion).
MetricValue latency(const MetricSpec& m, Side side, const SpanTrace& trace, const Selector& selector) {
  if (trace.requests.empty())
    return {false, 0, side == Side::Measured
                          ? "a latency metric needs request spans, and the trace has none (events with \"cat\": \"request\", "
                            "which vtrace's Trace.request() writes)"
                          : "a latency metric needs requests, and the scenario has none (workload.requests)"};
  std::vector<double> latencies;
  for (const NamedSpan& r : trace.requests)
    if (matches(selector, r.process, r.thread, r.name, r.kind)) latencies.push_back(r.end - r.start);
  if (latencies.empty()) return none("request", selector);
  return {true, statistic(std::move(latencies), m.statistic), ""};
}

}  // namespace

std::string describe(const Selector& s) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) out += (out.empty() ? "" : ", ") + std::string(key) + ": " + value;
  };
  add("process", s.process);
  add("thread", s.thread);
  add("span", s.span);
  add("kind", s.kind);
  return "{" + out + "}";
}

MetricValue metric_value(const MetricSpec& m, Side side, const SpanTrace& trace, double min_pause) {
  const Selector& selector = side == Side::Measured ? m.measured : m.simulated;
  switch (m.kind) {
    case MetricKind::Makespan:
    case MetricKind::Duration:
    case MetricKind::Rate:
    case MetricKind::PythonShare: {
      const std::vector<const NamedSpan*> spans = select_spans(trace, selector);
      if (spans.empty()) return none("span", selector);
      if (m.kind == MetricKind::Makespan) {
        const Interval e = extent(spans);
        return {true, e.end - e.start, ""};
      }
      if (m.kind == MetricKind::PythonShare) return python_share(spans, merged_runs(trace, selector, min_pause));
      if (m.kind == MetricKind::Duration) {
        std::vector<double> durations;
        for (const NamedSpan* s : spans) durations.push_back(s->end - s->start);
        return {true, statistic(durations, m.statistic), ""};
      }
      Interval window = extent(spans);
      if (m.has_window) {
        const Selector& w = side == Side::Measured ? m.measured_window : m.simulated_window;
        const std::vector<const NamedSpan*> during = select_spans(trace, w);
        if (during.empty()) return none("window span", w);
        const Interval e = extent(during);
        window = {std::max(window.start, e.start), std::min(window.end, e.end)};
      }
      long long count = 0;
      for (const NamedSpan* s : spans) count += s->end > window.start && s->end <= window.end;
      // None ending inside a real window is a rate of 0 (a thread starved while the others ran).
      if (window.end <= window.start) return {false, 0, "the selected spans and the window do not overlap"};
      return {true, static_cast<double>(count) / (window.end - window.start), ""};
    }
    case MetricKind::Latency: return latency(m, side, trace, selector);
    case MetricKind::HandoverRate:
    case MetricKind::RunLength:
    case MetricKind::HandoverGap: {
      const auto runs = merged_runs(trace, selector, min_pause);
      if (runs.empty()) return none("GIL run", selector);
      if (m.kind == MetricKind::RunLength) {
        std::vector<double> lengths;
        for (const auto& [thread, intervals] : runs)
          for (const Interval& i : intervals) lengths.push_back(i.end - i.start);
        return {true, statistic(lengths, m.statistic), ""};
      }
      const Handovers h = handovers(runs);
      if (m.kind == MetricKind::HandoverGap) {
        if (h.gaps.empty()) return {false, 0, "the GIL never changes hands between the selected runs"};
        return {true, statistic(h.gaps, m.statistic), ""};
      }
      if (h.extent.end <= h.extent.start) return {false, 0, "the selected runs last no time"};
      return {true, static_cast<double>(h.count) / (h.extent.end - h.extent.start), ""};
    }
  }
  return {false, 0, "unknown metric kind"};
}

}  // namespace gilsim
