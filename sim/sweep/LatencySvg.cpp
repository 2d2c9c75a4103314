#include "sim/sweep/LatencySvg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "sim/trace/SvgText.hpp"

namespace gilsim::sweep {
namespace {

using svg::fmt;

constexpr double kWidth = 980;
constexpr double kHeight = 560;
constexpr double kLeft = 90;
constexpr double kRight = 640;
constexpr double kTop = 60;
constexpr double kBottom = 470;
constexpr double kLegendX = 670;
constexpr std::size_t kMaxSeries = 20;  // beyond: a note, see results.csv
constexpr std::size_t kMaxLegendChars = 40;
constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

struct Point {
  double offered, p50, p99;
  bool saturated;
};

struct Series {
  std::string label;
  std::vector<Point> points;  // ascending offered rate
};

bool is_rate_axis(const std::string& key) {
  const std::string suffix = ".arrivals.rate";
  return key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Rows that differ only by their arrival-rate axes form one series, in plan order.
std::vector<Series> series_of(const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  std::vector<std::string> keys;
  std::map<std::string, Series> by_key;
  for (const SweepRow& row : report.rows) {
    if (!row.ok || row.latency.empty() || row.latency[0].count == 0) continue;
    const SweepConfig& c = *row.config;
    std::string key = c.strategy + "\n" + std::to_string(c.cores) + "\n" + std::to_string(c.smt) + "\n" + c.switch_interval;
    std::string label = plan.strategy_label(c.strategy) + " (" + std::to_string(c.cores) + (c.cores == 1 ? " core" : " cores");
    if (!plan.smt.empty()) label += ", smt " + std::to_string(c.smt);
    if (!plan.switch_intervals.empty()) label += ", " + c.switch_interval;
    for (std::size_t s = 0; s < plan.sets.size(); ++s)
      if (!is_rate_axis(plan.sets[s].key)) {
        key += "\n" + c.set_values[s];
        label += ", " + plan.sets[s].key + "=" + c.set_values[s];
      }
    label += ")";
    auto [it, inserted] = by_key.emplace(key, Series{label, {}});
    if (inserted) keys.push_back(key);
    const LatencyStats& l = row.latency[0];
    it->second.points.push_back({l.offered, l.p50, l.p99, l.saturated});
  }
  std::vector<Series> series;
  for (const std::string& key : keys) {
    Series s = by_key.at(key);
    std::stable_sort(s.points.begin(), s.points.end(), [](const Point& a, const Point& b) { return a.offered < b.offered; });
    series.push_back(std::move(s));
  }
  return series;
}

// A round step giving about five ticks over [0, high].
double tick_step(double high) {
  const double raw = high / 5;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * decade >= raw) return m * decade;
  return 10 * decade;
}

std::string label_of(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// Seconds as the tick labels of the latency axis: "1ms", "10ms", "1s".
std::string time_label(double seconds) {
  if (seconds >= 1) return label_of(seconds) + "s";
  if (seconds >= 1e-3) return label_of(seconds * 1e3) + "ms";
  return label_of(seconds * 1e6) + "us";
}

void write_point(std::ostream& out, double x, double y, const std::string& colour, bool saturated) {
  out << "<circle cx=\"" << fmt(x) << "\" cy=\"" << fmt(y) << "\" r=\"4\""
      << (saturated ? " fill=\"#ffffff\" stroke=\"" + colour + "\" stroke-width=\"2\""
                    : " fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"1\"")
      << "/>\n";
}

}  // namespace

bool has_latency(const SweepReport& report) {
  for (const SweepRow& row : report.rows)
    if (row.ok && !row.latency.empty()) return true;
  return false;
}

void write_latency_svg(std::ostream& out, const SweepReport& report) {
  const std::vector<Series> series = series_of(report);
  const std::size_t shown = std::min(series.size(), kMaxSeries);
  double max_rate = 0, low = 0, high = 0;
  for (std::size_t i = 0; i < shown; ++i)
    for (const Point& p : series[i].points) {
      max_rate = std::max(max_rate, p.offered);
      if (p.p50 > 0) low = low > 0 ? std::min(low, p.p50) : p.p50;
      high = std::max(high, p.p99);
    }
  if (max_rate <= 0) max_rate = 1;
  if (low <= 0 || high <= 0) low = high = 1e-3;
  const double step = tick_step(max_rate * 1.05);
  const double x_high = std::ceil(max_rate * 1.05 / step) * step;
  const int y_lo = static_cast<int>(std::floor(std::log10(low))), y_hi = std::max(y_lo + 1, static_cast<int>(std::ceil(std::log10(high))));
  auto x_at = [&](double rate) { return kLeft + rate / x_high * (kRight - kLeft); };
  auto y_at = [&](double seconds) {
    return kBottom - (std::log10(std::max(seconds, std::pow(10.0, y_lo))) - y_lo) / (y_hi - y_lo) * (kBottom - kTop);
  };

  const std::string title = svg::escape(report.plan->scenario_name) + ": latency vs offered load";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth)
      << "\" height=\"" << fmt(kHeight) << "\" viewBox=\"0 0 " << fmt(kWidth) << " " << fmt(kHeight)
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" << title << "</title>\n<rect x=\"0\" y=\"0\" width=\""
      << fmt(kWidth) << "\" height=\"" << fmt(kHeight) << "\" fill=\"#ffffff\"/>\n<text x=\"" << fmt(kWidth / 2)
      << "\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" << title << "</text>\n";
  out << "<g id=\"grid\" stroke=\"#e6e6e6\">\n";
  for (double r = 0; r <= x_high + step / 2; r += step)
    out << "<line x1=\"" << fmt(x_at(r)) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(x_at(r)) << "\" y2=\"" << fmt(kBottom) << "\"/>\n";
  for (int e = y_lo; e <= y_hi; ++e)
    out << "<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(y_at(std::pow(10.0, e))) << "\" x2=\"" << fmt(kRight) << "\" y2=\""
        << fmt(y_at(std::pow(10.0, e))) << "\"/>\n";
  out << "</g>\n<g id=\"axes\">\n<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(kBottom) << "\" x2=\"" << fmt(kRight) << "\" y2=\""
      << fmt(kBottom) << "\" stroke=\"#333333\"/>\n<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(kLeft)
      << "\" y2=\"" << fmt(kBottom) << "\" stroke=\"#333333\"/>\n";
  for (double r = 0; r <= x_high + step / 2; r += step)
    out << "<text x=\"" << fmt(x_at(r)) << "\" y=\"" << fmt(kBottom + 18) << "\" text-anchor=\"middle\">" << label_of(r) << "</text>\n";
  for (int e = y_lo; e <= y_hi; ++e)
    out << "<text x=\"" << fmt(kLeft - 8) << "\" y=\"" << fmt(y_at(std::pow(10.0, e)) + 4) << "\" text-anchor=\"end\">"
        << time_label(std::pow(10.0, e)) << "</text>\n";
  const double mid = (kTop + kBottom) / 2;
  out << "<text x=\"" << fmt((kLeft + kRight) / 2) << "\" y=\"" << fmt(kBottom + 42)
      << "\" text-anchor=\"middle\">offered load, requests per second (requests / last arrival)</text>\n<text x=\""
      << fmt(kLeft - 62) << "\" y=\"" << fmt(mid) << "\" text-anchor=\"middle\" transform=\"rotate(-90 " << fmt(kLeft - 62) << " "
      << fmt(mid) << ")\">latency, arrival to completion (log scale)</text>\n</g>\n";

  out << "<g id=\"series\" fill=\"none\" stroke-width=\"2\">\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const Series& s = series[i];
    const std::string colour = kColours[i % 10];
    out << "<g stroke=\"" << colour << "\">\n<title>" << svg::escape(s.label) << "</title>\n";
    for (bool p99 : {true, false}) {
      if (s.points.size() > 1) {
        out << "<polyline" << (p99 ? "" : " stroke-dasharray=\"6 4\"") << " points=\"";
        for (std::size_t p = 0; p < s.points.size(); ++p)
          out << (p ? " " : "") << fmt(x_at(s.points[p].offered)) << "," << fmt(y_at(p99 ? s.points[p].p99 : s.points[p].p50));
        out << "\"/>\n";
      }
      for (const Point& p : s.points) write_point(out, x_at(p.offered), y_at(p99 ? p.p99 : p.p50), colour, p.saturated);
    }
    out << "</g>\n";
  }
  out << "</g>\n<g id=\"legend\">\n";
  double ly = kTop + 6;
  out << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(ly) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\"" << fmt(ly)
      << "\" stroke=\"#555555\" stroke-width=\"2\"/>\n<text x=\"" << fmt(kLegendX + 30) << "\" y=\"" << fmt(ly + 4) << "\">p99</text>\n";
  ly += 18;
  out << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(ly) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\"" << fmt(ly)
      << "\" stroke=\"#555555\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n<text x=\"" << fmt(kLegendX + 30) << "\" y=\""
      << fmt(ly + 4) << "\">p50</text>\n";
  ly += 18;
  write_point(out, kLegendX + 12, ly, "#555555", true);
  out << "<text x=\"" << fmt(kLegendX + 30) << "\" y=\"" << fmt(ly + 4) << "\">saturated (the queue grows)</text>\n";
  for (std::size_t i = 0; i < shown; ++i) {
    ly += 18;
    out << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(ly) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\"" << fmt(ly)
        << "\" stroke=\"" << kColours[i % 10] << "\" stroke-width=\"2\"/>\n<text x=\"" << fmt(kLegendX + 30) << "\" y=\""
        << fmt(ly + 4) << "\">" << svg::escape(svg::truncate(series[i].label, kMaxLegendChars)) << "</text>\n";
  }
  if (series.size() > shown)
    out << "<text x=\"" << fmt(kLegendX) << "\" y=\"" << fmt(ly + 22) << "\">(" << series.size() - shown
        << " more series not drawn: see results.csv)</text>\n";
  out << "</g>\n</svg>\n";
}

}  // namespace gilsim::sweep
