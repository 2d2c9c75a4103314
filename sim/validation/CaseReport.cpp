#include <algorithm>

#include "sim/util/Units.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/trace/ReportFormat.hpp"
#include "sim/validation/CaseComparison.hpp"

namespace gilsim {
namespace {

std::string value_text(MetricKind kind, double value) {
  if (is_rate(kind)) return formatted("%.4g/s", value);
  if (kind == MetricKind::PythonShare) return formatted("%.1f%%", 100 * value);
  return format_duration(value);
}

std::string what_text(const MetricSpec* spec, const Comparison& c) {
  std::string what = metric_kind_name(c.kind);
  if (spec && takes_statistic(c.kind))
    what += std::string(" ") + statistic_name(spec->statistic);
  return what;
}

const MetricSpec* spec_of(const CaseFile& file, const std::string& name) {
  for (const MetricSpec& m : file.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::string target_text(const Comparison& c) {
  std::string t = unsigned_percent(c.tolerance);
  if (c.resolution > 0) t += " + " + value_text(c.kind, c.resolution);
  return t;
}

void write_comparison_text(const CaseFile& file, const Comparison& c, std::ostream& out) {
  out << "  " << c.metric << " (" << c.validates << ", " << what_text(spec_of(file, c.metric), c) << "): ";
  if (!c.error.empty()) {
    out << "ERROR " << c.error << "\n";
    return;
  }
  const auto [low, high] = std::minmax_element(c.measured_values.begin(), c.measured_values.end());
  out << "simulated " << value_text(c.kind, c.simulated) << ", measured " << value_text(c.kind, c.measured) << " ("
      << value_text(c.kind, *low) << ".." << value_text(c.kind, *high) << "), error " << signed_percent(c.error_fraction)
      << ", target " << target_text(c) << (c.within ? " (within)" : " (outside)");
  if (c.band)
    out << "; pinned gap [" << signed_percent(c.band->low) << ", " << signed_percent(c.band->high) << "]: " << c.band->missing;
  out << ": " << (c.passed() ? "ok" : "FAIL") << "\n";
}

}  // namespace

void write_case_text(const CaseFile& file, const std::vector<RunReport>& reports, std::ostream& out) {
  for (const RunReport& r : reports) {
    out << "case " << file.name << ", run " << r.run << ": " << r.traces.size() << " quiet repetition(s)";
    if (!r.traces.empty())
      out << " (others' CPU <= " << unsigned_percent(r.others_share) << ", steal <= " << unsigned_percent(r.steal_share) << ")";
    if (!r.dropped.empty()) out << ", " << r.dropped.size() << " noisy dropped";
    out << "\n";
    for (const Comparison& c : r.comparisons) write_comparison_text(file, c, out);
    for (const std::string& n : r.notes) out << "  note: " << n << "\n";
    if (!r.error.empty()) out << "  error: " << r.error << "\n";
    out << "  result: " << (r.passed() ? "PASS" : "FAIL") << "\n";
  }
}

void write_case_json(const CaseFile& file, const std::vector<RunReport>& reports, std::ostream& out) {
  const bool passed = std::all_of(reports.begin(), reports.end(), [](const RunReport& r) { return r.passed(); });
  out << "{\"case\": " << json::quote(file.name) << ", \"passed\": " << (passed ? "true" : "false") << ", \"runs\": [";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const RunReport& r = reports[i];
    out << (i ? ",\n " : "\n ") << "{\"run\": " << json::quote(r.run) << ", \"passed\": " << (r.passed() ? "true" : "false")
        << ", \"repetitions\": " << r.traces.size() << ", \"noisy_dropped\": " << r.dropped.size()
        << ", \"others_cpu_share\": " << json::number(r.others_share, 4) << ", \"steal_share\": " << json::number(r.steal_share, 4)
        << ", \"error\": " << json::quote(r.error) << ", \"notes\": [";
    for (std::size_t k = 0; k < r.notes.size(); ++k) out << (k ? ", " : "") << json::quote(r.notes[k]);
    out << "], \"comparisons\": [";
    for (std::size_t k = 0; k < r.comparisons.size(); ++k) {
      const Comparison& c = r.comparisons[k];
      const MetricSpec* spec = spec_of(file, c.metric);
      out << (k ? ",\n   " : "\n   ") << "{\"metric\": " << json::quote(c.metric) << ", \"validates\": " << json::quote(c.validates)
          << ", \"kind\": " << json::quote(what_text(spec, c)) << ", \"unit\": "
          << json::quote(is_rate(c.kind) ? "1/s" : c.kind == MetricKind::PythonShare ? "fraction" : "s")
          << ", \"error\": " << json::quote(c.error) << ", \"measured\": " << json::number(c.measured, 9) << ", \"measured_values\": [";
      for (std::size_t v = 0; v < c.measured_values.size(); ++v) out << (v ? ", " : "") << json::number(c.measured_values[v], 9);
      out << "], \"simulated\": " << json::number(c.simulated, 9) << ", \"error_fraction\": " << json::number(c.error_fraction)
          << ", \"tolerance\": " << json::number(c.tolerance) << ", \"resolution\": " << json::number(c.resolution, 9)
          << ", \"within\": " << (c.within ? "true" : "false") << ", \"band\": ";
      if (c.band)
        out << "{\"low\": " << json::number(c.band->low) << ", \"high\": " << json::number(c.band->high)
            << ", \"missing\": " << json::quote(c.band->missing) << "}";
      else
        out << "null";
      out << ", \"passed\": " << (c.passed() ? "true" : "false") << "}";
    }
    out << "]}";
  }
  out << "]}\n";
}

}  // namespace gilsim
