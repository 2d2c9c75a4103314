#include "sim/sweep/ScalingSvg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace gilsim::sweep {
namespace {

constexpr double kWidth = 1000;
constexpr double kHeight = 600;
constexpr double kLeft = 80;
constexpr double kRight = 690;
constexpr double kTop = 60;
constexpr double kBottom = 520;
constexpr double kLegendX = 715;
constexpr std::size_t kMaxSeries = 28;  // beyond: listed as a note, see results.csv

// Tableau 10: distinguishable, and print well in grey.
constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr const char* kDashes[] = {"", "6 3", "2 3", "8 3 2 3"};

std::string fmt(double value) {
  if (std::fabs(value) < 0.005) value = 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out;
}

std::string tick_label(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

struct Point {
  int cores;
  double speedup;
};

struct Series {
  std::string label;
  std::vector<Point> points;  // ok rows with a speedup, ascending cores
};

// log2 axis from 2^lo to 2^hi mapped onto [a, b] pixels.
struct LogAxis {
  int lo, hi;
  double a, b;
  double at(double value) const { return a + (std::log2(value) - lo) * (b - a) / (hi - lo); }
};

}  // namespace

void write_scaling_svg(std::ostream& out, const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  std::vector<Series> series;
  for (std::size_t i = 0; i < report.rows.size();) {
    Series s{plan.series_label(*report.rows[i].config), {}};
    std::size_t j = i;
    while (j < report.rows.size() && report.rows[j].config->strategy == report.rows[i].config->strategy &&
           report.rows[j].config->params == report.rows[i].config->params) {
      const SweepRow& row = report.rows[j++];
      if (row.ok && row.speedup > 0) s.points.push_back({row.config->cores, row.speedup});
    }
    series.push_back(std::move(s));
    i = j;
  }
  const std::size_t shown = std::min(series.size(), kMaxSeries);

  const int max_cores = plan.cores.back();
  double min_speedup = 1, max_speedup = max_cores;
  for (std::size_t i = 0; i < shown; ++i)
    for (const Point& p : series[i].points) min_speedup = std::min(min_speedup, p.speedup), max_speedup = std::max(max_speedup, p.speedup);
  const LogAxis x{0, std::max(1, static_cast<int>(std::ceil(std::log2(max_cores) - 1e-9))), kLeft, kRight};
  // One power of two of room below the lowest point, so a flat line at 1x does not hide in the axis.
  const int y_lo = std::max(-10, static_cast<int>(std::floor(std::log2(min_speedup * 0.9))));
  const int y_hi = std::max(y_lo + 1, static_cast<int>(std::ceil(std::log2(max_speedup) - 1e-9)));
  const LogAxis y{y_lo, y_hi, kBottom, kTop};
  const double y_floor = std::pow(2.0, y_lo);

  const std::string title = escape(plan.scenario_name) + ": speedup vs cores";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth) << "\" height=\"" << fmt(kHeight)
      << "\" viewBox=\"0 0 " << fmt(kWidth) << " " << fmt(kHeight) << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<title>" << title << "</title>\n"
      << "<rect x=\"0\" y=\"0\" width=\"" << fmt(kWidth) << "\" height=\"" << fmt(kHeight) << "\" fill=\"#ffffff\"/>\n"
      << "<text x=\"" << fmt((kLeft + kRight) / 2) << "\" y=\"30\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">"
      << title << "</text>\n";

  // Grid and ticks at powers of two.
  out << "<g id=\"grid\" stroke=\"#e6e6e6\">\n";
  for (int e = x.lo; e <= x.hi; ++e)
    out << "<line x1=\"" << fmt(x.at(std::pow(2.0, e))) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(x.at(std::pow(2.0, e)))
        << "\" y2=\"" << fmt(kBottom) << "\"/>\n";
  for (int e = y.lo; e <= y.hi; ++e)
    out << "<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(y.at(std::pow(2.0, e))) << "\" x2=\"" << fmt(kRight)
        << "\" y2=\"" << fmt(y.at(std::pow(2.0, e))) << "\"/>\n";
  out << "</g>\n<g id=\"axes\" stroke=\"#333333\">\n"
      << "<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(kBottom) << "\" x2=\"" << fmt(kRight) << "\" y2=\"" << fmt(kBottom) << "\"/>\n"
      << "<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(kTop) << "\" x2=\"" << fmt(kLeft) << "\" y2=\"" << fmt(kBottom) << "\"/>\n"
      << "</g>\n<g id=\"ticks\">\n";
  for (int e = x.lo; e <= x.hi; ++e)
    out << "<text x=\"" << fmt(x.at(std::pow(2.0, e))) << "\" y=\"" << fmt(kBottom + 18) << "\" text-anchor=\"middle\">"
        << tick_label(std::pow(2.0, e)) << "</text>\n";
  for (int e = y.lo; e <= y.hi; ++e)
    out << "<text x=\"" << fmt(kLeft - 8) << "\" y=\"" << fmt(y.at(std::pow(2.0, e)) + 4) << "\" text-anchor=\"end\">"
        << tick_label(std::pow(2.0, e)) << "</text>\n";
  out << "</g>\n"
      << "<text x=\"" << fmt((kLeft + kRight) / 2) << "\" y=\"" << fmt(kBottom + 44)
      << "\" text-anchor=\"middle\">cores (log scale)</text>\n"
      << "<text x=\"24\" y=\"" << fmt((kTop + kBottom) / 2) << "\" text-anchor=\"middle\" transform=\"rotate(-90 24 "
      << fmt((kTop + kBottom) / 2) << ")\">speedup vs 1 core (log scale)</text>\n";

  // Ideal: speedup = cores, from 1 core to the most swept.
  out << "<line id=\"ideal\" x1=\"" << fmt(x.at(1)) << "\" y1=\"" << fmt(y.at(1)) << "\" x2=\"" << fmt(x.at(max_cores))
      << "\" y2=\"" << fmt(y.at(max_cores)) << "\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n";

  out << "<g id=\"series\" fill=\"none\" stroke-width=\"2\">\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const Series& s = series[i];
    const std::string colour = kColours[i % 10];
    const std::string dash = kDashes[(i / 10) % 4];
    out << "<g stroke=\"" << colour << "\"" << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << ">\n<title>"
        << escape(s.label) << "</title>\n";
    if (s.points.size() > 1) {
      out << "<polyline points=\"";
      for (std::size_t p = 0; p < s.points.size(); ++p)
        out << (p ? " " : "") << fmt(x.at(s.points[p].cores)) << "," << fmt(y.at(std::max(y_floor, s.points[p].speedup)));
      out << "\"/>\n";
    }
    for (const Point& p : s.points)
      out << "<circle cx=\"" << fmt(x.at(p.cores)) << "\" cy=\"" << fmt(y.at(std::max(y_floor, p.speedup)))
          << "\" r=\"3.50\" fill=\"" << colour << "\" stroke-dasharray=\"none\"/>\n";
    out << "</g>\n";
  }
  out << "</g>\n";

  // Legend: the ideal line, then each series.
  out << "<g id=\"legend\">\n"
      << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(kTop + 6) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\""
      << fmt(kTop + 6) << "\" stroke=\"#888888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
      << "<text x=\"" << fmt(kLegendX + 30) << "\" y=\"" << fmt(kTop + 10) << "\">ideal (speedup = cores)</text>\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const double ly = kTop + 6 + 16 * (i + 1);
    const std::string dash = kDashes[(i / 10) % 4];
    std::string label = series[i].label;
    if (label.size() > 40) {
      std::size_t cut = 39;
      while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;  // a whole UTF-8 character
      label = label.substr(0, cut) + "\xE2\x80\xA6";
    }
    out << "<line x1=\"" << fmt(kLegendX) << "\" y1=\"" << fmt(ly) << "\" x2=\"" << fmt(kLegendX + 24) << "\" y2=\"" << fmt(ly)
        << "\" stroke=\"" << kColours[i % 10] << "\" stroke-width=\"2\"" << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"")
        << "/>\n<circle cx=\"" << fmt(kLegendX + 12) << "\" cy=\"" << fmt(ly) << "\" r=\"3.50\" fill=\"" << kColours[i % 10]
        << "\"/>\n<text x=\"" << fmt(kLegendX + 30) << "\" y=\"" << fmt(ly + 4) << "\">" << escape(label) << "</text>\n";
  }
  if (series.size() > shown)
    out << "<text x=\"" << fmt(kLegendX) << "\" y=\"" << fmt(kTop + 6 + 16 * (shown + 1) + 4) << "\">(" << series.size() - shown
        << " more series not drawn: see results.csv)</text>\n";
  out << "</g>\n</svg>\n";
}

}  // namespace gilsim::sweep
