#include "sim/trace/SvgWriter.hpp"

#include "sim/util/Utf8.hpp"
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace/LaneRaster.hpp"
#include "sim/trace/SvgText.hpp"

namespace gilsim {
namespace {

using svg::fmt;

// Layout, in SVG user units (pixels).
constexpr double kWidth = 1200.0;
constexpr double kPlotRight = 1180.0;
constexpr double kMinLabelColumn = 120.0;
constexpr double kMaxLabelColumn = 440.0;
constexpr double kLanesTop = 52.0;
constexpr double kLanePitch = 18.0;
constexpr double kLaneHeight = 14.0;
constexpr double kLaneInset = (kLanePitch - kLaneHeight) / 2;
constexpr double kFontSize = 11.0;
constexpr double kSwatch = 10.0;
constexpr std::size_t kMaxLabelChars = 64;
constexpr std::size_t kMaxTitleChars = 150;
constexpr std::size_t kMaxRects = 200000;

// Where things go: the label column fits the longest label.
struct Layout {
  double plot_left = 0;
  double plot_width = 0;
  double axis_start = 0;
  double axis_end = 1e-3;
  double x(double t) const { return (t - axis_start) * (plot_width / (axis_end - axis_start)); }
};

double lane_top(std::size_t lane) { return kLanesTop + static_cast<double>(lane) * kLanePitch; }

std::string label_of(const PanelLane& lane) { return svg::truncate(lane.label, kMaxLabelChars); }

Layout make_layout(const ActivityPanel& panel, double axis_start, double axis_end) {
  double widest = 0;
  for (const PanelLane& lane : panel.lanes)
    widest = std::max(widest, svg::text_width(label_of(lane), kFontSize) + (lane.swatch >= 0 ? kSwatch + 4 : 0));
  Layout layout;
  layout.plot_left = std::clamp(widest + 16, kMinLabelColumn, kMaxLabelColumn);
  layout.plot_width = kPlotRight - layout.plot_left;
  layout.axis_start = axis_start;
  layout.axis_end = axis_end > axis_start ? axis_end : axis_start + 1e-3;
  return layout;
}

// A tick step of mantissa * 10^exponent seconds, mantissa in {1, 2, 5}.
struct TickStep {
  int64_t mantissa;
  int exponent;
  double seconds() const { return static_cast<double>(mantissa) * std::pow(10.0, exponent); }
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

// "0", "500us", "5ms", "1.5s": tick i in the unit of the axis's largest tick, so that one axis
// has one unit.
std::string tick_label(const TickStep& step, int64_t index, double axis_end) {
  if (index == 0) return "0";
  struct Unit {
    const char* suffix;
    double seconds;
  };
  static const Unit kUnits[] = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
  const Unit* unit = &kUnits[3];
  for (const Unit& candidate : kUnits)
    if (axis_end >= candidate.seconds * (1 - 1e-9)) {
      unit = &candidate;
      break;
    }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g%s", static_cast<double>(index) * step.seconds() / unit->seconds, unit->suffix);
  return buffer;
}

void write_header(const ActivityPanel& panel, double height, std::ostream& out) {
  const std::string title = svg::escape(svg::truncate(panel.title, kMaxTitleChars));
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth) << "\" height=\"" << fmt(height)
      << "\" viewBox=\"0 0 " << fmt(kWidth) << ' ' << fmt(height) << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<title>" << title << "</title>\n"
      << "<rect x=\"0\" y=\"0\" width=\"" << fmt(kWidth) << "\" height=\"" << fmt(height) << "\" fill=\"#ffffff\"/>\n"
      << "<text x=\"" << fmt(kWidth / 2) << "\" y=\"22\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">"
      << title << "</text>\n";
  if (!panel.subtitle.empty())
    out << "<text x=\"" << fmt(kWidth / 2) << "\" y=\"39\" text-anchor=\"middle\" fill=\"#555555\">"
        << svg::escape(svg::truncate(panel.subtitle, 2 * kMaxTitleChars)) << "</text>\n";
}

void write_lanes(const ActivityPanel& panel, const Layout& layout, std::ostream& out) {
  out << "<g id=\"lanes\" fill=\"#f5f5f5\">\n";
  for (std::size_t lane = 0; lane < panel.lanes.size(); ++lane)
    out << "<rect x=\"" << fmt(layout.plot_left) << "\" y=\"" << fmt(lane_top(lane) + kLaneInset) << "\" width=\""
        << fmt(layout.plot_width) << "\" height=\"" << fmt(kLaneHeight) << "\"/>\n";
  out << "</g>\n<g id=\"labels\" text-anchor=\"end\">\n";
  for (std::size_t lane = 0; lane < panel.lanes.size(); ++lane) {
    if (panel.lanes[lane].gil) continue;
    out << "<text x=\"" << fmt(layout.plot_left - 6) << "\" y=\"" << fmt(lane_top(lane) + 12.5) << "\">"
        << svg::escape(label_of(panel.lanes[lane])) << "</text>\n";
  }
  out << "</g>\n<g id=\"gil-labels\" text-anchor=\"end\" font-style=\"italic\" fill=\"#555555\">\n";
  for (std::size_t lane = 0; lane < panel.lanes.size(); ++lane)
    if (panel.lanes[lane].gil)
      out << "<text x=\"" << fmt(layout.plot_left - 6) << "\" y=\"" << fmt(lane_top(lane) + 12.5) << "\">"
          << svg::escape(label_of(panel.lanes[lane])) << "</text>\n";
  out << "</g>\n<g id=\"swatches\">\n";
  for (std::size_t lane = 0; lane < panel.lanes.size(); ++lane) {
    const PanelLane& l = panel.lanes[lane];
    if (l.swatch < 0 || static_cast<std::size_t>(l.swatch) >= panel.styles.size()) continue;
    const double x = layout.plot_left - 8 - svg::text_width(label_of(l), kFontSize) - kSwatch;
    out << "<rect x=\"" << fmt(std::max(2.0, x)) << "\" y=\"" << fmt(lane_top(lane) + 4) << "\" width=\"" << fmt(kSwatch)
        << "\" height=\"" << fmt(kSwatch) << "\" fill=\"" << panel.styles[l.swatch].colour << "\"/>\n";
  }
  out << "</g>\n";
}

void write_grid(const Layout& layout, const TickStep& step, double bottom, std::ostream& out) {
  const double seconds = step.seconds();
  const auto first = static_cast<int64_t>(std::ceil(layout.axis_start / seconds - 1e-9));
  const auto last = static_cast<int64_t>(std::floor(layout.axis_end / seconds + 1e-9));
  out << "<g id=\"grid\" stroke=\"#e0e0e0\">\n";
  for (int64_t i = first; i <= last; ++i) {
    const std::string x = fmt(layout.plot_left + layout.x(static_cast<double>(i) * seconds));
    out << "<line x1=\"" << x << "\" y1=\"" << fmt(kLanesTop) << "\" x2=\"" << x << "\" y2=\"" << fmt(bottom) << "\"/>\n";
  }
  out << "</g>\n";
}

// Rects grouped by style (one fill per group) to keep huge plots compact; GIL lanes first, in a
// group of their own.
void write_rects(const ActivityPanel& panel, const Layout& layout, const std::vector<Rect>& rects, bool gil,
                 std::ostream& out) {
  out << (gil ? "<g id=\"gil\">\n" : "<g id=\"spans\">\n");
  for (std::size_t style = 0; style < panel.styles.size(); ++style) {
    const auto wanted = [&](const Rect& r) {
      return r.style == static_cast<int>(style) && panel.lanes[r.lane].gil == gil;
    };
    if (std::none_of(rects.begin(), rects.end(), wanted)) continue;
    std::string name = panel.styles[style].name;
    std::replace(name.begin(), name.end(), ' ', '-');
    out << "<g class=\"" << svg::escape(name) << "\" fill=\"" << panel.styles[style].colour << "\">\n";
    for (const Rect& rect : rects) {
      if (!wanted(rect)) continue;
      // Round both edges first so abutting rects share an edge exactly.
      const double x0 = std::round((layout.plot_left + rect.x0) * 100) / 100;
      const double x1 = std::round((layout.plot_left + rect.x1) * 100) / 100;
      out << "<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(lane_top(rect.lane) + kLaneInset) << "\" width=\"" << fmt(x1 - x0)
          << "\" height=\"" << fmt(kLaneHeight) << "\"/>\n";
    }
    out << "</g>\n";
  }
  out << "</g>\n";
}

void write_axis(const Layout& layout, const TickStep& step, double y, std::ostream& out) {
  const double seconds = step.seconds();
  const auto first = static_cast<int64_t>(std::ceil(layout.axis_start / seconds - 1e-9));
  const auto last = static_cast<int64_t>(std::floor(layout.axis_end / seconds + 1e-9));
  const double right = layout.plot_left + layout.plot_width;
  out << "<g id=\"axis\" stroke=\"#333333\">\n<line x1=\"" << fmt(layout.plot_left) << "\" y1=\"" << fmt(y) << "\" x2=\""
      << fmt(right) << "\" y2=\"" << fmt(y) << "\"/>\n";
  for (int64_t i = first; i <= last; ++i) {
    const std::string x = fmt(layout.plot_left + layout.x(static_cast<double>(i) * seconds));
    out << "<line x1=\"" << x << "\" y1=\"" << fmt(y) << "\" x2=\"" << x << "\" y2=\"" << fmt(y + 5) << "\"/>\n";
  }
  out << "</g>\n<g id=\"ticks\" text-anchor=\"middle\">\n";
  for (int64_t i = first; i <= last; ++i)
    out << "<text x=\"" << fmt(layout.plot_left + layout.x(static_cast<double>(i) * seconds)) << "\" y=\"" << fmt(y + 17)
        << "\">" << tick_label(step, i, layout.axis_end) << "</text>\n";
  out << "</g>\n<text x=\"" << fmt(layout.plot_left - 14) << "\" y=\"" << fmt(y + 17) << "\" text-anchor=\"end\">time</text>\n";
}

// Legend entries for the styles drawn (in the legend), wrapped into rows; returns the rows used.
int write_legend(const ActivityPanel& panel, const std::vector<Rect>& rects, const Layout& layout, double y,
                 std::ostream& out) {
  std::vector<bool> used(panel.styles.size(), false);
  bool holders = false;
  for (const Rect& r : rects)
    if (r.style >= 0 && static_cast<std::size_t>(r.style) < used.size()) {
      used[r.style] = true;
      holders |= panel.lanes[r.lane].gil;
    }
  out << "<g id=\"legend\">\n";
  double x = layout.plot_left;
  int row = 0;
  const auto place = [&](double width) {
    if (x + width > kPlotRight && x > layout.plot_left) {
      x = layout.plot_left;
      ++row;
    }
    const double at = x;
    x += width;
    return at;
  };
  for (std::size_t s = 0; s < panel.styles.size(); ++s) {
    if (!used[s] || !panel.styles[s].in_legend) continue;
    const std::string name = svg::escape(panel.styles[s].name);
    const double at = place(16 + svg::text_width(panel.styles[s].name, kFontSize) + 18);
    const double ly = y + row * 18.0;
    out << "<rect x=\"" << fmt(at) << "\" y=\"" << fmt(ly - 10) << "\" width=\"12.00\" height=\"12.00\" fill=\""
        << panel.styles[s].colour << "\"/>\n<text x=\"" << fmt(at + 16) << "\" y=\"" << fmt(ly) << "\">" << name << "</text>\n";
  }
  if (holders) {
    const std::string text = "GIL lanes: the colour of the thread holding the GIL (beside its name)";
    const double at = place(svg::text_width(text, kFontSize) + 18);
    out << "<text x=\"" << fmt(at) << "\" y=\"" << fmt(y + row * 18.0) << "\" font-style=\"italic\">" << svg::escape(text)
        << "</text>\n";
  }
  out << "</g>\n";
  return row + 1;
}

}  // namespace

void write_activity_svg(const ActivityPanel& panel, double axis_start, double axis_end, std::ostream& out) {
  const Layout layout = make_layout(panel, axis_start, axis_end);
  const TickStep step = nice_tick_step(layout.axis_end - layout.axis_start);
  std::vector<std::vector<Run>> lanes(panel.lanes.size());
  for (std::size_t l = 0; l < panel.lanes.size(); ++l)
    for (const TimedRun& r : panel.lanes[l].runs) {
      if (r.style < 0 || r.style >= kMaxStyles || static_cast<std::size_t>(r.style) >= panel.styles.size()) continue;
      if (r.end < layout.axis_start || r.start > layout.axis_end) continue;
      append_run(lanes[l], {r.style, layout.x(std::max(r.start, layout.axis_start)), layout.x(std::min(r.end, layout.axis_end))});
    }
  const std::vector<Rect> rects = lane_rects(lanes, layout.plot_width, kMaxRects);

  const double axis_y = lane_top(panel.lanes.size()) + 6;
  const double legend_y = axis_y + 44;
  // The legend's rows are known once it is laid out: measure it first.
  std::ostringstream legend;
  const int legend_rows = write_legend(panel, rects, layout, legend_y, legend);
  double y = legend_y + 18.0 * (legend_rows - 1) + 22;
  std::vector<std::string> notes;
  for (const std::string& note : panel.notes)
    for (const std::string& line : svg::wrap(note, kPlotRight - layout.plot_left, kFontSize)) notes.push_back(line);
  if (panel.hidden_threads > 0) notes.push_back("(" + std::to_string(panel.hidden_threads) + " more threads not shown)");
  const double height = y + 18.0 * static_cast<double>(notes.size()) - 8;

  write_header(panel, height, out);
  write_lanes(panel, layout, out);
  write_grid(layout, step, axis_y, out);
  write_rects(panel, layout, rects, true, out);
  write_rects(panel, layout, rects, false, out);
  write_axis(layout, step, axis_y, out);
  out << legend.str();
  for (std::size_t i = 0; i < notes.size(); ++i)
    out << "<text id=\"note" << (i ? std::to_string(i) : "") << "\" x=\"" << fmt(layout.plot_left) << "\" y=\""
        << fmt(y + 18.0 * static_cast<double>(i)) << "\">" << svg::escape(notes[i])
        << "</text>\n";
  out << "</svg>\n";
}

void write_activity_svg(const Timeline& timeline, std::ostream& out) {
  const ActivityPanel panel = activity_panel(timeline);
  write_activity_svg(panel, panel.start, panel.end, out);
}

}  // namespace gilsim
