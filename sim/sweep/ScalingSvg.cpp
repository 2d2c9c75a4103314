#include "sim/sweep/ScalingSvg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/SvgText.hpp"

namespace gilsim::sweep {
namespace {

using svg::fmt;

constexpr double kWidth = 1320;
constexpr double kHeight = 600;
constexpr double kTop = 70;
constexpr double kBottom = 500;
constexpr double kPanelWidth = 420;
constexpr double kSpeedupLeft = 80;
constexpr double kTimeLeft = 600;
constexpr double kLegendX = 1060;
constexpr std::size_t kMaxSeries = 28;  // beyond: listed as a note, see results.csv
constexpr std::size_t kMaxLegendChars = 36;

// Tableau 10: distinguishable, and print well in grey; with 7 markers (coprime with 10 colours),
// the first 70 series all differ in colour or marker.
constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr const char* kDashes[] = {"", "6 3", "2 3", "8 3 2 3"};
constexpr int kMarkers = 7;

std::string tick_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

struct Point {
  int cores;
  double speedup;
  double makespan;
};

struct Series {
  std::string label;
  std::vector<Point> points;  // ok rows, ascending cores
};

// log2 axis from 2^lo to 2^hi mapped onto [a, b] pixels.
struct LogAxis {
  int lo, hi;
  double a, b;
  double at(double value) const { return a + (std::log2(value) - lo) * (b - a) / (hi - lo); }
};

// An axis of powers of two covering [low, high], with one power of room below the lowest point.
LogAxis value_axis(double low, double high, double a, double b) {
  const int lo = std::max(-30, static_cast<int>(std::floor(std::log2(low * 0.9))));
  const int hi = std::max(lo + 1, static_cast<int>(std::ceil(std::log2(high) - 1e-9)));
  return {lo, hi, a, b};
}

// A marker of kind `k` centred on (x, y): circle, square, triangle, diamond, inverted triangle,
// cross, plus. Filled ones have a white rim, so a marker drawn over another stays visible.
void write_marker(std::ostream& out, int k, double x, double y, const std::string& colour) {
  const double r = 4.5;
  const std::string filled = " fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"1\"";
  const std::string open = " fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"";
  switch (k % kMarkers) {
    case 0: out << "<circle cx=\"" << fmt(x) << "\" cy=\"" << fmt(y) << "\" r=\"" << fmt(r) << "\"" << filled << "/>"; break;
    case 1:
      out << "<rect x=\"" << fmt(x - r) << "\" y=\"" << fmt(y - r) << "\" width=\"" << fmt(2 * r) << "\" height=\"" << fmt(2 * r)
          << "\"" << filled << "/>";
      break;
    case 2:
      out << "<polygon points=\"" << fmt(x) << "," << fmt(y - r - 1) << " " << fmt(x + r + 1) << "," << fmt(y + r) << " "
          << fmt(x - r - 1) << "," << fmt(y + r) << "\"" << filled << "/>";
      break;
    case 3:
      out << "<polygon points=\"" << fmt(x) << "," << fmt(y - r - 1) << " " << fmt(x + r + 1) << "," << fmt(y) << " " << fmt(x)
          << "," << fmt(y + r + 1) << " " << fmt(x - r - 1) << "," << fmt(y) << "\"" << filled << "/>";
      break;
    case 4:
      out << "<polygon points=\"" << fmt(x) << "," << fmt(y + r + 1) << " " << fmt(x + r + 1) << "," << fmt(y - r) << " "
          << fmt(x - r - 1) << "," << fmt(y - r) << "\"" << filled << "/>";
      break;
    case 5:
      out << "<path d=\"M" << fmt(x - r) << " " << fmt(y - r) << "L" << fmt(x + r) << " " << fmt(y + r) << "M" << fmt(x - r)
          << " " << fmt(y + r) << "L" << fmt(x + r) << " " << fmt(y - r) << "\"" << open << "/>";
      break;
    default:
      out << "<path d=\"M" << fmt(x - r - 1) << " " << fmt(y) << "L" << fmt(x + r + 1) << " " << fmt(y) << "M" << fmt(x) << " "
          << fmt(y - r - 1) << "L" << fmt(x) << " " << fmt(y + r + 1) << "\"" << open << "/>";
  }
  out << "\n";
}

void write_grid_and_axes(std::ostream& out, const LogAxis& x, const LogAxis& y, double left, const std::string& x_label,
                         const std::string& y_label, const std::string& title) {
  const double right = left + kPanelWidth;
  out << "<g stroke=\"#e6e6e6\">\n";
  for (int e = x.lo; e <= x.hi; ++e)
    out << "<line x1=\"" << fmt(x.at(std::pow(2.0, e))) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(x.at(std::pow(2.0, e)))
        << "\" y2=\"" << fmt(kBottom) << "\"/>\n";
  for (int e = y.lo; e <= y.hi; ++e)
    out << "<line x1=\"" << fmt(left) << "\" y1=\"" << fmt(y.at(std::pow(2.0, e))) << "\" x2=\"" << fmt(right) << "\" y2=\""
        << fmt(y.at(std::pow(2.0, e))) << "\"/>\n";
  out << "</g>\n<g stroke=\"#333333\">\n<line x1=\"" << fmt(left) << "\" y1=\"" << fmt(kBottom) << "\" x2=\"" << fmt(right)
      << "\" y2=\"" << fmt(kBottom) << "\"/>\n<line x1=\"" << fmt(left) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(left)
      << "\" y2=\"" << fmt(kBottom) << "\"/>\n</g>\n<g>\n";
  for (int e = x.lo; e <= x.hi; ++e)
    out << "<text x=\"" << fmt(x.at(std::pow(2.0, e))) << "\" y=\"" << fmt(kBottom + 18) << "\" text-anchor=\"middle\">"
        << tick_label(std::pow(2.0, e)) << "</text>\n";
  for (int e = y.lo; e <= y.hi; ++e)
    out << "<text x=\"" << fmt(left - 8) << "\" y=\"" << fmt(y.at(std::pow(2.0, e)) + 4) << "\" text-anchor=\"end\">"
        << tick_label(std::pow(2.0, e)) << "</text>\n";
  const double mid = (kTop + kBottom) / 2, label_x = left - 56;
  out << "</g>\n<text x=\"" << fmt(left + kPanelWidth / 2) << "\" y=\"" << fmt(kTop - 12)
      << "\" text-anchor=\"middle\" font-weight=\"bold\">" << svg::escape(title) << "</text>\n<text x=\""
      << fmt(left + kPanelWidth / 2) << "\" y=\"" << fmt(kBottom + 42) << "\" text-anchor=\"middle\">" << x_label
      << "</text>\n<text x=\"" << fmt(label_x) << "\" y=\"" << fmt(mid) << "\" text-anchor=\"middle\" transform=\"rotate(-90 "
      << fmt(label_x) << " " << fmt(mid) << ")\">" << svg::escape(y_label) << "</text>\n";
}

std::vector<Series> series_of(const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  // The common baseline per parameter combination: the shortest sequential time of its rows.
  std::map<std::size_t, double> baseline;
  for (const SweepRow& row : report.rows)
    if (row.ok && row.metrics.sequential > 0) {
      auto [it, inserted] = baseline.emplace(row.config->params, row.metrics.sequential);
      if (!inserted) it->second = std::min(it->second, row.metrics.sequential);
    }
  std::vector<Series> series;
  for (std::size_t i = 0; i < report.rows.size();) {
    Series s{plan.series_label(*report.rows[i].config), {}};
    std::size_t j = i;
    while (j < report.rows.size() && report.rows[j].config->strategy == report.rows[i].config->strategy &&
           report.rows[j].config->params == report.rows[i].config->params) {
      const SweepRow& row = report.rows[j++];
      const auto base = baseline.find(row.config->params);
      if (row.ok && row.metrics.makespan > 0 && base != baseline.end())
        s.points.push_back({row.config->cores, base->second / row.metrics.makespan, row.metrics.makespan});
    }
    series.push_back(std::move(s));
    i = j;
  }
  return series;
}

}  // namespace

void write_scaling_svg(std::ostream& out, const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  const std::vector<Series> series = series_of(report);
  const std::size_t shown = std::min(series.size(), kMaxSeries);
  const int max_cores = plan.cores.back();
  double min_speedup = 1, max_speedup = max_cores, min_time = 0, max_time = 0;
  for (std::size_t i = 0; i < shown; ++i)
    for (const Point& p : series[i].points) {
      min_speedup = std::min(min_speedup, p.speedup), max_speedup = std::max(max_speedup, p.speedup);
      min_time = min_time > 0 ? std::min(min_time, p.makespan) : p.makespan;
      max_time = std::max(max_time, p.makespan);
    }
  if (max_time <= 0) min_time = max_time = 1;
  const int x_hi = std::max(1, static_cast<int>(std::ceil(std::log2(max_cores) - 1e-9)));
  const LogAxis sx{0, x_hi, kSpeedupLeft, kSpeedupLeft + kPanelWidth}, tx{0, x_hi, kTimeLeft, kTimeLeft + kPanelWidth};
  const LogAxis sy = value_axis(min_speedup, max_speedup, kBottom, kTop), ty = value_axis(min_time, max_time, kBottom, kTop);

  const std::string title = svg::escape(plan.scenario_name) + ": speedup and makespan vs cores";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth)
      << "\" height=\"" << fmt(kHeight) << "\" viewBox=\"0 0 " << fmt(kWidth) << " " << fmt(kHeight)
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" << title << "</title>\n<rect x=\"0\" y=\"0\" width=\""
      << fmt(kWidth) << "\" height=\"" << fmt(kHeight) << "\" fill=\"#ffffff\"/>\n<text x=\"" << fmt(kWidth / 2)
      << "\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" << title << "</text>\n";
  out << "<g id=\"speedup-axes\">\n";
  write_grid_and_axes(out, sx, sy, kSpeedupLeft, "cores (log scale)", "speedup vs the sequential run (log scale)",
                      "speedup vs the sequential run (one baseline for all)");
  out << "</g>\n<g id=\"time-axes\">\n";
  write_grid_and_axes(out, tx, ty, kTimeLeft, "cores (log scale)", "makespan, seconds (log scale)", "makespan");
  out << "</g>\n<line id=\"ideal\" x1=\"" << fmt(sx.at(1)) << "\" y1=\"" << fmt(sy.at(1)) << "\" x2=\"" << fmt(sx.at(max_cores))
      << "\" y2=\"" << fmt(sy.at(max_cores)) << "\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";

  out << "<g id=\"series\" fill=\"none\" stroke-width=\"2\">\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const Series& s = series[i];
    const std::string colour = kColours[i % 10];
    const std::string dash = kDashes[(i / 10) % 4];
    // Series side by side at each core count: up to 3 px either way.
    const double dodge = shown > 1 ? (static_cast<double>(i) - (shown - 1) / 2.0) * std::min(1.5, 6.0 / (shown - 1)) : 0;
    out << "<g stroke=\"" << colour << "\"" << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << ">\n<title>"
        << svg::escape(s.label) << "</title>\n";
    for (const auto& [x, y, value] : {std::make_tuple(&sx, &sy, &Point::speedup), std::make_tuple(&tx, &ty, &Point::makespan)}) {
      if (s.points.size() > 1) {
        out << "<polyline points=\"";
        for (std::size_t p = 0; p < s.points.size(); ++p)
          out << (p ? " " : "") << fmt(x->at(s.points[p].cores) + dodge) << ","
              << fmt(y->at(std::max(std::pow(2.0, y->lo), s.points[p].*value)));
        out << "\"/>\n";
      }
      for (const Point& p : s.points)
        write_marker(out, static_cast<int>(i), x->at(p.cores) + dodge, y->at(std::max(std::pow(2.0, y->lo), p.*value)), colour);
    }
    out << "</g>\n";
  }
  out << "</g>\n";

  out << "<g id=\"legend\">\n<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(kTop + 6) << "\" x2=\"" << fmt(kLegendX + 24)
      << "\" y2=\"" << fmt(kTop + 6) << "\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n<text x=\""
      << fmt(kLegendX + 30) << "\" y=\"" << fmt(kTop + 10) << "\">ideal (speedup = cores)</text>\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const double ly = kTop + 6 + 18 * static_cast<double>(i + 1);
    const std::string dash = kDashes[(i / 10) % 4];
    out << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(ly) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\"" << fmt(ly)
        << "\" stroke=\"" << kColours[i % 10] << "\" stroke-width=\"2\""
        << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << "/>\n";
    write_marker(out, static_cast<int>(i), kLegendX + 12, ly, kColours[i % 10]);
    out << "<text x=\"" << fmt(kLegendX + 30) << "\" y=\"" << fmt(ly + 4) << "\">"
        << svg::escape(svg::truncate(series[i].label, kMaxLegendChars)) << "</text>\n";
  }
  if (series.size() > shown)
    out << "<text x=\"" << fmt(kLegendX) << "\" y=\"" << fmt(kTop + 6 + 18 * static_cast<double>(shown + 1) + 4) << "\">("
        << series.size() - shown << " more series not drawn: see results.csv)</text>\n";
  out << "</g>\n<text x=\"" << fmt(kSpeedupLeft) << "\" y=\"" << fmt(kHeight - 14) << "\" fill=\"#555555\">"
      << "Speedup: the sequential run's time (the work run step after step in one thread; the shortest of the series) "
         "/ makespan. Points at one core count are set a few pixels apart so that equal values stay visible.</text>\n";
  out << "</svg>\n";
}

}  // namespace gilsim::sweep
