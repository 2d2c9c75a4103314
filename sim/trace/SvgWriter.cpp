#include "sim/trace/SvgWriter.hpp"

#include "sim/util/Utf8.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

namespace gilsim {
namespace {

// Layout, in SVG user units (pixels).
constexpr double kWidth = 1200.0;
constexpr double kPlotLeft = 230.0;  // room for "process/thread" labels
constexpr double kPlotRight = 1180.0;
constexpr double kPlotWidth = kPlotRight - kPlotLeft;
constexpr double kLanesTop = 40.0;
constexpr double kLanePitch = 18.0;
constexpr double kLaneHeight = 14.0;
constexpr double kLaneInset = (kLanePitch - kLaneHeight) / 2;
constexpr size_t kMaxLanes = 64;
constexpr size_t kMaxLabelChars = 34;

// Size bounds: narrower spans are drawn per pixel; past kMaxRects every lane is.
constexpr double kMinRectPx = 0.25;
constexpr size_t kMaxRects = 200000;


// Fixed two-decimal coordinates; -0.00 is folded into 0.00 so output does not hinge on signs.
std::string fmt(double value) {
  if (std::fabs(value) < 0.005) value = 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}


// XML text/attribute escaping. XML 1.0 forbids most control characters even as references, so
// they become spaces; malformed UTF-8 becomes U+FFFD.
std::string xml_escape(const std::string& text) {
  std::string escaped;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    const size_t length = utf8_sequence_length(text, pos);
    if (c == '&') escaped += "&amp;";
    else if (c == '<') escaped += "&lt;";
    else if (c == '>') escaped += "&gt;";
    else if (c == '"') escaped += "&quot;";
    else if (c == '\'') escaped += "&apos;";
    else if (static_cast<unsigned char>(c) < 0x20) escaped += ' ';
    else if (length == 0) escaped += "\xEF\xBF\xBD";
    else escaped.append(text, pos, length);
    pos += std::max<size_t>(length, 1);
  }
  return escaped;
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Keeps at most `max_chars` code points, marking a cut with an ellipsis.
std::string truncate_label(const std::string& text, size_t max_chars) {
  const auto chars = std::count_if(text.begin(), text.end(),
                                   [](char c) { return !is_continuation_byte(c); });
  if (static_cast<size_t>(chars) <= max_chars) return text;
  size_t kept = 0;
  size_t pos = 0;
  for (; pos < text.size(); ++pos) {
    if (is_continuation_byte(text[pos])) continue;
    if (kept++ == max_chars - 1) break;  // room left for the ellipsis only
  }
  return text.substr(0, pos) + "\xE2\x80\xA6";
}

bool valid_span(const Timeline& timeline, const StateSpan& span) {
  return span.thread >= 0 && static_cast<size_t>(span.thread) < timeline.threads.size() &&
         static_cast<int>(span.state) < kThreadStateCount && std::isfinite(span.start) &&
         std::isfinite(span.end) && span.end >= span.start;
}

// Maps seconds to pixels from the plot's left edge; covers every span of every thread.
struct TimeAxis {
  double start = 0;
  double end = 1e-3;
  double x(double t) const { return (t - start) * (kPlotWidth / (end - start)); }
};

TimeAxis make_time_axis(const Timeline& timeline) {
  TimeAxis axis;
  double end = 0;
  for (const StateSpan& span : timeline.spans) {
    if (!valid_span(timeline, span)) continue;
    axis.start = std::min(axis.start, span.start);
    end = std::max(end, span.end);
  }
  axis.end = end > axis.start ? end : axis.start + 1e-3;  // empty timeline: a 1ms axis
  return axis;
}

// A same-state stretch of a lane, in pixels from the plot's left edge.
struct Run {
  int state;
  double x0;
  double x1;
};

struct Rect {
  size_t lane;
  int state;
  double x0;
  double x1;
};

// Each shown lane's spans as runs in time order; touching same-state spans (a step boundary,
// or a gap under kMinRectPx) merge, since they would draw as one rect anyway.
std::vector<std::vector<Run>> lane_runs(const Timeline& timeline, size_t lanes,
                                        const TimeAxis& axis) {
  std::vector<std::vector<size_t>> spans(lanes);
  for (size_t i = 0; i < timeline.spans.size(); ++i) {
    const StateSpan& span = timeline.spans[i];
    if (valid_span(timeline, span) && static_cast<size_t>(span.thread) < lanes)
      spans[span.thread].push_back(i);
  }
  std::vector<std::vector<Run>> runs(lanes);
  for (size_t lane = 0; lane < lanes; ++lane) {
    const auto key = [&](size_t i) {
      const StateSpan& s = timeline.spans[i];
      return std::make_tuple(s.start, s.end, s.state, i);
    };
    std::sort(spans[lane].begin(), spans[lane].end(),
              [&](size_t a, size_t b) { return key(a) < key(b); });
    for (size_t i : spans[lane]) {
      const StateSpan& span = timeline.spans[i];
      const Run run{static_cast<int>(span.state), axis.x(span.start), axis.x(span.end)};
      auto& lane_runs = runs[lane];
      if (!lane_runs.empty() && lane_runs.back().state == run.state &&
          run.x0 - lane_runs.back().x1 < kMinRectPx) {
        lane_runs.back().x1 = std::max(lane_runs.back().x1, run.x1);
      } else {
        lane_runs.push_back(run);
      }
    }
  }
  return runs;
}

// The state covering most of a pixel column, or -1 when under kMinRectPx of it is covered.
int dominant_state(const std::array<double, kThreadStateCount>& cover) {
  double total = 0;
  int best = 0;
  for (int s = 0; s < kThreadStateCount; ++s) {
    total += cover[s];
    if (cover[s] > cover[best]) best = s;
  }
  return total < kMinRectPx ? -1 : best;
}

// Draws runs[first, last) at pixel resolution, clipped to their extent: each column takes its
// majority state and equal neighbouring columns merge into one rect.
void rasterise(const std::vector<Run>& runs, size_t first, size_t last, size_t lane,
               std::vector<Rect>& rects) {
  const double lo = runs[first].x0;
  double hi = lo;
  for (size_t i = first; i < last; ++i) hi = std::max(hi, runs[i].x1);
  const auto col_lo = static_cast<int64_t>(std::floor(std::max(lo, 0.0)));
  const auto col_hi = static_cast<int64_t>(std::ceil(std::min(hi, kPlotWidth)));
  if (col_hi <= col_lo) return;
  std::vector<std::array<double, kThreadStateCount>> cover(col_hi - col_lo);
  for (size_t i = first; i < last; ++i) {
    const Run& run = runs[i];
    const int64_t from = std::max(col_lo, static_cast<int64_t>(std::floor(run.x0)));
    const int64_t to = std::min(col_hi, static_cast<int64_t>(std::ceil(run.x1)));
    for (int64_t c = from; c < to; ++c) {
      const double overlap = std::min(run.x1, c + 1.0) - std::max(run.x0, double(c));
      if (overlap > 0) cover[c - col_lo][run.state] += overlap;
    }
  }
  for (int64_t c = col_lo; c < col_hi; ++c) {
    const int state = dominant_state(cover[c - col_lo]);
    if (state < 0) continue;
    const double x0 = std::max(lo, double(c));
    const double x1 = std::min(hi, c + 1.0);
    Rect* previous = rects.empty() ? nullptr : &rects.back();
    if (previous && previous->lane == lane && previous->state == state && previous->x1 == x0)
      previous->x1 = x1;
    else
      rects.push_back({lane, state, x0, x1});
  }
}

// Exact rects for runs at least kMinRectPx wide; each stretch of narrower runs is rasterised.
void exact_lane_rects(const std::vector<Run>& runs, size_t lane, std::vector<Rect>& rects) {
  constexpr size_t kNone = SIZE_MAX;
  size_t narrow_from = kNone;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].x1 - runs[i].x0 < kMinRectPx) {
      if (narrow_from == kNone) narrow_from = i;
      continue;
    }
    if (narrow_from != kNone) rasterise(runs, narrow_from, i, lane, rects);
    narrow_from = kNone;
    rects.push_back({lane, runs[i].state, runs[i].x0, runs[i].x1});
  }
  if (narrow_from != kNone) rasterise(runs, narrow_from, runs.size(), lane, rects);
}

std::vector<Rect> span_rects(const std::vector<std::vector<Run>>& runs) {
  std::vector<Rect> rects;
  for (size_t lane = 0; lane < runs.size() && rects.size() <= kMaxRects; ++lane)
    exact_lane_rects(runs[lane], lane, rects);
  if (rects.size() <= kMaxRects) return rects;
  // Too many to draw exactly: every lane at pixel resolution (at most ~1k rects a lane).
  rects.clear();
  for (size_t lane = 0; lane < runs.size(); ++lane)
    if (!runs[lane].empty()) rasterise(runs[lane], 0, runs[lane].size(), lane, rects);
  return rects;
}

// A tick step of mantissa * 10^exponent seconds, mantissa in {1, 2, 5}.
struct TickStep {
  int64_t mantissa;
  int exponent;
  double seconds() const { return mantissa * std::pow(10.0, exponent); }
};

// The smallest 1/2/5 x 10^k step giving at most eight intervals (never below 1ns).
TickStep nice_tick_step(double range) {
  const double raw = range / 8;
  int exponent = static_cast<int>(std::floor(std::log10(raw)));
  if (exponent < -9) return {1, -9};
  for (;;) {
    for (int64_t mantissa : {1, 2, 5}) {
      const TickStep step{mantissa, exponent};
      if (step.seconds() >= raw * (1 - 1e-9)) return step;
    }
    ++exponent;
  }
}

// "0", "500us", "5ms", "2s": tick i in the largest unit the step is a whole multiple of.
std::string tick_label(const TickStep& step, int64_t index) {
  struct Unit {
    const char* suffix;
    int exponent;
  };
  static const Unit kUnits[] = {{"s", 0}, {"ms", -3}, {"us", -6}, {"ns", -9}};
  if (index == 0) return "0";
  const Unit* unit = &kUnits[3];
  for (const Unit& candidate : kUnits) {
    if (step.exponent >= candidate.exponent) {
      unit = &candidate;
      break;
    }
  }
  int64_t value = index * step.mantissa;
  for (int e = unit->exponent; e < step.exponent; ++e) value *= 10;
  return std::to_string(value) + unit->suffix;
}

double lane_top(size_t lane) { return kLanesTop + lane * kLanePitch; }

std::string lane_label(const Timeline& timeline, const ThreadInfo& thread) {
  const bool known = thread.process >= 0 &&
                     static_cast<size_t>(thread.process) < timeline.processes.size();
  const std::string process = known ? timeline.processes[thread.process].name : "?";
  return truncate_label(process + "/" + thread.name, kMaxLabelChars);
}

std::string title_text(const Timeline& timeline) {
  std::string title = timeline.scenario.empty() ? "gilsim" : timeline.scenario;
  if (!timeline.variant.empty()) title += " (" + timeline.variant + ")";
  return title;
}

void write_header(const Timeline& timeline, double height, std::ostream& out) {
  const std::string title = xml_escape(title_text(timeline));
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth) << "\" height=\""
      << fmt(height) << "\" viewBox=\"0 0 " << fmt(kWidth) << ' ' << fmt(height)
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<title>" << title << "</title>\n"
      << "<rect x=\"0\" y=\"0\" width=\"" << fmt(kWidth) << "\" height=\"" << fmt(height)
      << "\" fill=\"#ffffff\"/>\n"
      << "<text x=\"" << fmt(kWidth / 2) << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\""
      << " font-weight=\"bold\">" << title << "</text>\n";
}

void write_lanes(const Timeline& timeline, size_t lanes, std::ostream& out) {
  out << "<g id=\"lanes\" fill=\"#f5f5f5\">\n";
  for (size_t lane = 0; lane < lanes; ++lane)
    out << "<rect x=\"" << fmt(kPlotLeft) << "\" y=\"" << fmt(lane_top(lane) + kLaneInset)
        << "\" width=\"" << fmt(kPlotWidth) << "\" height=\"" << fmt(kLaneHeight) << "\"/>\n";
  out << "</g>\n<g id=\"labels\" text-anchor=\"end\">\n";
  for (size_t lane = 0; lane < lanes; ++lane)
    out << "<text x=\"" << fmt(kPlotLeft - 6) << "\" y=\"" << fmt(lane_top(lane) + 12.5)
        << "\">" << xml_escape(lane_label(timeline, timeline.threads[lane])) << "</text>\n";
  out << "</g>\n";
}

void write_grid(const TimeAxis& axis, const TickStep& step, double bottom, std::ostream& out) {
  const double seconds = step.seconds();
  const auto first = static_cast<int64_t>(std::ceil(axis.start / seconds - 1e-9));
  const auto last = static_cast<int64_t>(std::floor(axis.end / seconds + 1e-9));
  out << "<g id=\"grid\" stroke=\"#e0e0e0\">\n";
  for (int64_t i = first; i <= last; ++i) {
    const std::string x = fmt(kPlotLeft + axis.x(i * seconds));
    out << "<line x1=\"" << x << "\" y1=\"" << fmt(kLanesTop) << "\" x2=\"" << x << "\" y2=\""
        << fmt(bottom) << "\"/>\n";
  }
  out << "</g>\n";
}

// Rects grouped by state (one fill per group) to keep huge plots compact.
void write_span_rects(const std::vector<Rect>& rects, std::ostream& out) {
  out << "<g id=\"spans\">\n";
  for (int state = 0; state < kThreadStateCount; ++state) {
    const auto has_state = [&](const Rect& r) { return r.state == state; };
    if (std::none_of(rects.begin(), rects.end(), has_state)) continue;
    out << "<g class=\"" << state_name(static_cast<ThreadState>(state)) << "\" fill=\""
        << state_info(state).colour << "\">\n";
    for (const Rect& rect : rects) {
      if (rect.state != state) continue;
      // Round both edges first so abutting rects share an edge exactly.
      const double x0 = std::round((kPlotLeft + rect.x0) * 100) / 100;
      const double x1 = std::round((kPlotLeft + rect.x1) * 100) / 100;
      out << "<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(lane_top(rect.lane) + kLaneInset)
          << "\" width=\"" << fmt(x1 - x0) << "\" height=\"" << fmt(kLaneHeight) << "\"/>\n";
    }
    out << "</g>\n";
  }
  out << "</g>\n";
}

void write_axis(const TimeAxis& axis, const TickStep& step, double y, std::ostream& out) {
  const double seconds = step.seconds();
  const auto first = static_cast<int64_t>(std::ceil(axis.start / seconds - 1e-9));
  const auto last = static_cast<int64_t>(std::floor(axis.end / seconds + 1e-9));
  out << "<g id=\"axis\" stroke=\"#333333\">\n<line x1=\"" << fmt(kPlotLeft) << "\" y1=\""
      << fmt(y) << "\" x2=\"" << fmt(kPlotRight) << "\" y2=\"" << fmt(y) << "\"/>\n";
  for (int64_t i = first; i <= last; ++i) {
    const std::string x = fmt(kPlotLeft + axis.x(i * seconds));
    out << "<line x1=\"" << x << "\" y1=\"" << fmt(y) << "\" x2=\"" << x << "\" y2=\""
        << fmt(y + 5) << "\"/>\n";
  }
  out << "</g>\n<g id=\"ticks\" text-anchor=\"middle\">\n";
  for (int64_t i = first; i <= last; ++i)
    out << "<text x=\"" << fmt(kPlotLeft + axis.x(i * seconds)) << "\" y=\"" << fmt(y + 17)
        << "\">" << tick_label(step, i) << "</text>\n";
  out << "</g>\n<text x=\"" << fmt(kPlotLeft - 14) << "\" y=\"" << fmt(y + 17)
      << "\" text-anchor=\"end\">time</text>\n";
}

void write_legend(double y, std::ostream& out) {
  out << "<g id=\"legend\">\n";
  for (int state = 0; state < kThreadStateCount; ++state) {
    const double x = kPlotLeft + state * 110.0;
    out << "<rect x=\"" << fmt(x) << "\" y=\"" << fmt(y - 10) << "\" width=\"12.00\""
        << " height=\"12.00\" fill=\"" << state_info(state).colour << "\"/>\n"
        << "<text x=\"" << fmt(x + 16) << "\" y=\"" << fmt(y) << "\">"
        << state_name(static_cast<ThreadState>(state)) << "</text>\n";
  }
  out << "</g>\n";
}

}  // namespace

void write_activity_svg(const Timeline& timeline, std::ostream& out) {
  const size_t lanes = std::min(timeline.threads.size(), kMaxLanes);
  const size_t hidden = timeline.threads.size() - lanes;
  const TimeAxis axis = make_time_axis(timeline);
  const TickStep step = nice_tick_step(axis.end - axis.start);
  const std::vector<Rect> rects = span_rects(lane_runs(timeline, lanes, axis));

  const double axis_y = lane_top(lanes) + 6;
  const double legend_y = axis_y + 44;
  const double note_y = legend_y + 22;
  const double height = (hidden > 0 ? note_y : legend_y) + 14;

  write_header(timeline, height, out);
  write_lanes(timeline, lanes, out);
  write_grid(axis, step, axis_y, out);
  write_span_rects(rects, out);
  write_axis(axis, step, axis_y, out);
  write_legend(legend_y, out);
  if (hidden > 0)
    out << "<text id=\"note\" x=\"" << fmt(kPlotLeft) << "\" y=\"" << fmt(note_y) << "\">("
        << std::to_string(hidden) << " more threads not shown)</text>\n";
  out << "</svg>\n";
}

}  // namespace gilsim
