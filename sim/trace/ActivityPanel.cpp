#include "sim/trace/ActivityPanel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "sim/trace/LaneRaster.hpp"
#include "sim/trace/StateStyle.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

constexpr std::size_t kMaxThreadLanes = 64;
constexpr std::size_t kMaxPanelRuns = 100000;
constexpr double kResolutionPx = 1000;
// Ten colours for the threads holding a process's GIL, apart from the state colours.
constexpr const char* kHolderColours[] = {"#264653", "#e9c46a", "#2a9d8f", "#e76f51", "#8d99ae",
                                          "#6d597a", "#b56576", "#c9ada7", "#eaac8b", "#83c5be"};
constexpr int kHolderStyles = 10;

bool valid_span(const Timeline& timeline, const StateSpan& span) {
  return span.thread >= 0 && static_cast<std::size_t>(span.thread) < timeline.threads.size() &&
         static_cast<int>(span.state) < kThreadStateCount && std::isfinite(span.start) && std::isfinite(span.end) &&
         span.end >= span.start;
}

std::string lane_label(const Timeline& timeline, const ThreadInfo& thread) {
  const bool known = thread.process >= 0 && static_cast<std::size_t>(thread.process) < timeline.processes.size();
  return (known ? timeline.processes[thread.process].name : "?") + "/" + thread.name;
}

// Each shown thread's valid spans, in time order.
std::vector<std::vector<const StateSpan*>> spans_by_thread(const Timeline& timeline, std::size_t shown) {
  std::vector<std::vector<const StateSpan*>> by_thread(shown);
  for (const StateSpan& span : timeline.spans)
    if (valid_span(timeline, span) && static_cast<std::size_t>(span.thread) < shown) by_thread[span.thread].push_back(&span);
  for (auto& spans : by_thread)
    std::sort(spans.begin(), spans.end(), [](const StateSpan* a, const StateSpan* b) {
      return std::tie(a->start, a->end, a->state) < std::tie(b->start, b->end, b->state);
    });
  return by_thread;
}

// A process has a GIL lane when at least two of its shown threads run Python, never at once
// (with free-threading or sub-interpreters they may overlap: no single holder then).
bool takes_turns(const std::vector<int>& threads, const std::vector<std::vector<const StateSpan*>>& spans) {
  std::vector<std::pair<double, double>> python;
  int running = 0;
  for (int t : threads) {
    bool any = false;
    for (const StateSpan* s : spans[t])
      if (s->state == ThreadState::Python && s->end > s->start) {
        python.emplace_back(s->start, s->end);
        any = true;
      }
    running += any;
  }
  if (running < 2) return false;
  std::sort(python.begin(), python.end());
  for (std::size_t i = 1; i < python.size(); ++i)
    if (python[i].first < python[i - 1].second - 1e-12) return false;
  return true;
}

}  // namespace

ActivityPanel activity_panel(const Timeline& timeline, const PanelWindow& window) {
  ActivityPanel panel;
  panel.title = (timeline.scenario.empty() ? "gilsim" : timeline.scenario) +
                (timeline.variant.empty() ? "" : " (" + timeline.variant + ")");
  for (int s = 0; s < kThreadStateCount; ++s) {
    const StateStyle style = thread_state_style(static_cast<ThreadState>(s));
    panel.styles.push_back({style.name, style.colour, true});
  }
  for (int h = 0; h < kHolderStyles; ++h) panel.styles.push_back({"GIL holder", kHolderColours[h], false});

  const std::size_t shown = std::min(timeline.threads.size(), kMaxThreadLanes);
  panel.hidden_threads = timeline.threads.size() - shown;
  const auto spans = spans_by_thread(timeline, shown);
  double last = 0;
  for (const auto& thread_spans : spans)
    for (const StateSpan* s : thread_spans) last = std::max(last, s->end);
  panel.start = window.set ? window.start : 0;
  panel.end = window.set ? window.end : (last > 0 ? last : 1e-3);

  // Lanes by process, in order of each process's first shown thread.
  std::vector<int> order;
  std::vector<std::vector<int>> threads_of(timeline.processes.size() + 1);
  for (std::size_t t = 0; t < shown; ++t) {
    const int p = timeline.threads[t].process;
    const std::size_t slot = p >= 0 && static_cast<std::size_t>(p) < timeline.processes.size() ? p : timeline.processes.size();
    if (threads_of[slot].empty()) order.push_back(static_cast<int>(slot));
    threads_of[slot].push_back(static_cast<int>(t));
  }
  for (int p : order) {
    const std::vector<int>& threads = threads_of[p];
    const bool gil = static_cast<std::size_t>(p) < timeline.processes.size() && takes_turns(threads, spans);
    if (gil) {
      PanelLane lane{timeline.processes[p].name + ": GIL holder", -1, true, {}};
      std::vector<TimedRun> python;
      for (std::size_t i = 0; i < threads.size(); ++i)
        for (const StateSpan* s : spans[threads[i]])
          if (s->state == ThreadState::Python)
            python.push_back({kThreadStateCount + static_cast<int>(i % kHolderStyles), s->start, s->end});
      std::sort(python.begin(), python.end(),
                [](const TimedRun& a, const TimedRun& b) { return std::tie(a.start, a.end, a.style) < std::tie(b.start, b.end, b.style); });
      lane.runs = std::move(python);
      panel.lanes.push_back(std::move(lane));
    }
    for (std::size_t i = 0; i < threads.size(); ++i) {
      PanelLane lane{lane_label(timeline, timeline.threads[threads[i]]),
                     gil ? kThreadStateCount + static_cast<int>(i % kHolderStyles) : -1, false, {}};
      for (const StateSpan* s : spans[threads[i]]) lane.runs.push_back({static_cast<int>(s->state), s->start, s->end});
      panel.lanes.push_back(std::move(lane));
    }
  }
  std::size_t processes = 0;
  for (const auto& list : threads_of) processes += !list.empty();
  panel.subtitle = std::to_string(timeline.threads.size()) + " thread(s) in " + std::to_string(processes) +
                   " process(es); last activity at " + format_duration(last) +
                   (window.set ? "; window " + format_duration(window.start) + " to " + format_duration(window.end) : "");
  reduce_lanes(panel, kResolutionPx);
  return panel;
}

void reduce_lanes(ActivityPanel& panel, double resolution_px) {
  const double span = panel.end - panel.start;
  const double px_per_s = resolution_px / span;
  std::vector<std::vector<Run>> lanes(panel.lanes.size());
  for (std::size_t l = 0; l < panel.lanes.size(); ++l)
    for (const TimedRun& r : panel.lanes[l].runs) {
      if (r.end < panel.start || r.start > panel.end) continue;
      const double x0 = (std::max(r.start, panel.start) - panel.start) * px_per_s;
      const double x1 = (std::min(r.end, panel.end) - panel.start) * px_per_s;
      append_run(lanes[l], {r.style, x0, x1});
    }
  for (PanelLane& lane : panel.lanes) lane.runs.clear();
  for (const Rect& rect : lane_rects(lanes, resolution_px, kMaxPanelRuns))
    panel.lanes[rect.lane].runs.push_back(
        {rect.style, panel.start + rect.x0 / px_per_s, panel.start + rect.x1 / px_per_s});
}

namespace {

// One line of text: names never hold line breaks (the loader refuses control characters), and
// notes are written one per line.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

std::string number(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

std::string serialize_panel(const ActivityPanel& panel) {
  std::ostringstream out;
  out << "panel 1\ntitle " << one_line(panel.title) << "\nsubtitle " << one_line(panel.subtitle) << "\nextent "
      << number(panel.start) << " " << number(panel.end) << "\nhidden " << panel.hidden_threads << "\n";
  for (const PanelStyle& s : panel.styles)
    out << "style " << one_line(s.colour) << " " << (s.in_legend ? 1 : 0) << " " << one_line(s.name) << "\n";
  for (const PanelLane& lane : panel.lanes) {
    out << "lane " << lane.swatch << " " << (lane.gil ? 1 : 0) << " " << lane.runs.size() << " " << one_line(lane.label) << "\n";
    for (const TimedRun& r : lane.runs) out << r.style << " " << number(r.start) << " " << number(r.end) << "\n";
  }
  for (const std::string& note : panel.notes) out << "note " << one_line(note) << "\n";
  out << "end\n";
  return out.str();
}

ActivityPanel parse_panel(const std::string& text) {
  std::istringstream in(text);
  ActivityPanel panel;
  std::string line, word;
  const auto bad = [] { throw std::runtime_error("a simulation returned a malformed activity plot"); };
  if (!std::getline(in, line) || line != "panel 1") bad();
  const auto rest = [](const std::string& l, std::size_t skip) { return l.size() > skip ? l.substr(skip) : std::string(); };
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    fields >> word;
    if (word == "end") return panel;
    if (word == "title") panel.title = rest(line, 6);
    else if (word == "subtitle") panel.subtitle = rest(line, 9);
    else if (word == "extent") fields >> panel.start >> panel.end;
    else if (word == "hidden") fields >> panel.hidden_threads;
    else if (word == "note") panel.notes.push_back(rest(line, 5));
    else if (word == "style") {
      PanelStyle s;
      int legend = 0;
      fields >> s.colour >> legend;
      s.in_legend = legend != 0;
      std::getline(fields >> std::ws, s.name);
      panel.styles.push_back(s);
    } else if (word == "lane") {
      PanelLane lane;
      int gil = 0;
      std::size_t runs = 0;
      fields >> lane.swatch >> gil >> runs;
      lane.gil = gil != 0;
      std::getline(fields >> std::ws, lane.label);
      for (std::size_t i = 0; i < runs; ++i) {
        TimedRun r{};
        if (!(in >> r.style >> r.start >> r.end)) bad();
        lane.runs.push_back(r);
      }
      if (runs > 0) std::getline(in, line);  // the rest of the last run's line
      panel.lanes.push_back(std::move(lane));
    } else {
      bad();
    }
    if (!fields && word != "lane" && word != "style") bad();
  }
  bad();
  return panel;
}

}  // namespace gilsim
