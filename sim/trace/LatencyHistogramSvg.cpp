#include "sim/trace/LatencyHistogramSvg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/trace/LatencyStats.hpp"
#include "sim/trace/SvgText.hpp"

namespace gilsim {
namespace {

using svg::fmt;

constexpr double kWidth = 900;
constexpr double kLeft = 80;
constexpr double kRight = 860;
constexpr double kPanelHeight = 240;  // plot area of one source
constexpr double kPanelGap = 90;      // title, axis labels
constexpr double kTop = 50;
constexpr int kBinsPerDecade = 20;

std::string time_label(double seconds) {
  char buffer[32];
  if (seconds >= 1) std::snprintf(buffer, sizeof buffer, "%gs", seconds);
  else if (seconds >= 1e-3) std::snprintf(buffer, sizeof buffer, "%gms", seconds * 1e3);
  else std::snprintf(buffer, sizeof buffer, "%gus", seconds * 1e6);
  return buffer;
}

void write_panel(std::ostream& out, const std::string& source, std::vector<double> latencies, double top) {
  std::sort(latencies.begin(), latencies.end());
  const double bottom = top + kPanelHeight;
  out << "<g id=\"source-" << svg::escape(source) << "\">\n<text x=\"" << fmt(kLeft) << "\" y=\"" << fmt(top - 14)
      << "\" font-weight=\"bold\">requests '" << svg::escape(source) << "': " << latencies.size()
      << " latencies (log scale)</text>\n";
  const double smallest = latencies.empty() ? 1e-3 : std::max(latencies.front(), 1e-9);
  const double largest = latencies.empty() ? 1e-2 : std::max(latencies.back(), smallest);
  const int lo = static_cast<int>(std::floor(std::log10(smallest)));
  const int hi = std::max(lo + 1, static_cast<int>(std::ceil(std::log10(largest) + 1e-12)));
  const int bins = (hi - lo) * kBinsPerDecade;
  auto x_at = [&](double seconds) {
    return kLeft + (std::log10(std::max(seconds, std::pow(10.0, lo))) - lo) / (hi - lo) * (kRight - kLeft);
  };
  std::vector<int64_t> counts(static_cast<std::size_t>(bins), 0);
  for (double l : latencies) {
    const int bin = static_cast<int>(std::floor((std::log10(std::max(l, 1e-9)) - lo) * kBinsPerDecade));
    ++counts[static_cast<std::size_t>(std::clamp(bin, 0, bins - 1))];
  }
  const int64_t most = std::max<int64_t>(1, *std::max_element(counts.begin(), counts.end()));
  out << "<g fill=\"#4e79a7\">\n";
  for (int b = 0; b < bins; ++b) {
    if (counts[static_cast<std::size_t>(b)] == 0) continue;
    const double x0 = kLeft + static_cast<double>(b) / bins * (kRight - kLeft);
    const double x1 = kLeft + static_cast<double>(b + 1) / bins * (kRight - kLeft);
    const double h = static_cast<double>(counts[static_cast<std::size_t>(b)]) / static_cast<double>(most) * kPanelHeight;
    out << "<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(bottom - h) << "\" width=\"" << fmt(x1 - x0 - 1) << "\" height=\""
        << fmt(h) << "\"><title>" << counts[static_cast<std::size_t>(b)] << " requests</title></rect>\n";
  }
  out << "</g>\n<g stroke=\"#333333\">\n<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(bottom) << "\" x2=\"" << fmt(kRight)
      << "\" y2=\"" << fmt(bottom) << "\"/>\n<line x1=\"" << fmt(kLeft) << "\" y1=\"" << fmt(top) << "\" x2=\"" << fmt(kLeft)
      << "\" y2=\"" << fmt(bottom) << "\"/>\n</g>\n<g>\n";
  for (int e = lo; e <= hi; ++e)  // ticks at 1, 2 and 5 times each power of ten
    for (double m : {1.0, 2.0, 5.0}) {
      const double tick = m * std::pow(10.0, e);
      if (e == hi && m > 1) break;
      out << "<line x1=\"" << fmt(x_at(tick)) << "\" y1=\"" << fmt(bottom) << "\" x2=\"" << fmt(x_at(tick)) << "\" y2=\""
          << fmt(bottom + 4) << "\" stroke=\"#333333\"/>\n<text x=\"" << fmt(x_at(tick)) << "\" y=\"" << fmt(bottom + 16)
          << "\" text-anchor=\"middle\">" << time_label(tick) << "</text>\n";
    }
  out << "<text x=\"" << fmt(kLeft - 8) << "\" y=\"" << fmt(top + 4) << "\" text-anchor=\"end\">" << most
      << "</text>\n<text x=\"" << fmt(kLeft - 8) << "\" y=\"" << fmt(bottom) << "\" text-anchor=\"end\">0</text>\n"
      << "<text x=\"" << fmt((kLeft + kRight) / 2) << "\" y=\"" << fmt(bottom + 36)
      << "\" text-anchor=\"middle\">latency, arrival to completion (" << kBinsPerDecade
      << " bins per decade); bars: requests per bin</text>\n</g>\n";
  if (!latencies.empty()) {
    const struct {
      const char* name;
      double p;
      const char* colour;
    } marks[] = {{"p50", 0.50, "#59a14f"}, {"p99", 0.99, "#f28e2b"}, {"p99.9", 0.999, "#e15759"}};
    // The lines in the plot, their values in a key above it (labels in the plot would cover bars).
    out << "<text x=\"" << fmt(kRight) << "\" y=\"" << fmt(top - 14) << "\" text-anchor=\"end\">";
    for (std::size_t m = 0; m < 3; ++m) {
      const double value = nearest_rank(latencies, marks[m].p);
      out << "<tspan fill=\"" << marks[m].colour << "\" dx=\"" << (m ? "12" : "0") << "\">" << marks[m].name << " "
          << short_latency(value) << "</tspan>";
    }
    out << "</text>\n";
    for (std::size_t m = 0; m < 3; ++m) {
      const double x = x_at(nearest_rank(latencies, marks[m].p));
      out << "<line x1=\"" << fmt(x) << "\" y1=\"" << fmt(top) << "\" x2=\"" << fmt(x) << "\" y2=\"" << fmt(bottom)
          << "\" stroke=\"" << marks[m].colour << "\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n";
    }
  }
  out << "</g>\n";
}

}  // namespace

void write_latency_histogram_svg(const Timeline& timeline, std::ostream& out) {
  std::vector<std::vector<double>> by_source(timeline.request_sources.size());
  for (const RequestRecord& r : timeline.requests) by_source[static_cast<std::size_t>(r.source)].push_back(r.end - r.arrival);
  const double height = kTop + static_cast<double>(by_source.size()) * (kPanelHeight + kPanelGap);
  const std::string title = svg::escape(timeline.scenario + (timeline.variant.empty() ? "" : " [" + timeline.variant + "]")) +
                            ": request latencies";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fmt(kWidth)
      << "\" height=\"" << fmt(height) << "\" viewBox=\"0 0 " << fmt(kWidth) << " " << fmt(height)
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" << title << "</title>\n<rect x=\"0\" y=\"0\" width=\""
      << fmt(kWidth) << "\" height=\"" << fmt(height) << "\" fill=\"#ffffff\"/>\n<text x=\"" << fmt(kWidth / 2)
      << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" << title << "</text>\n";
  for (std::size_t s = 0; s < by_source.size(); ++s)
    write_panel(out, timeline.request_sources[s], by_source[s], kTop + 24 + static_cast<double>(s) * (kPanelHeight + kPanelGap));
  out << "</svg>\n";
}

}  // namespace gilsim
