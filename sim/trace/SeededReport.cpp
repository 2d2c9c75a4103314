#include "sim/trace/SeededReport.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/trace/ColumnUnit.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

std::string fixed(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string variant_label(const Summary& s) { return s.variant.empty() ? s.scenario : s.variant; }

// Columns padded to their widest cell plus two spaces; the last cell is not padded.
void write_aligned(std::ostream& out, const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> widths;
  auto length = [](const std::string& text) {  // code points, for "±"
    std::size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
  };
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], length(line[i]));
    }
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i)
      text += i + 1 == line.size() ? line[i] : line[i] + std::string(widths[i] + 2 - length(line[i]), ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
}

std::string unit_spread(const ColumnUnit& unit, const Spread& s) {
  return unit.format(s.mean) + " ± " + unit.format(s.half_width);
}
std::string number_spread(const char* format, double scale, const Spread& s) {
  return fixed(format, scale * s.mean) + " ± " + fixed(format, scale * s.half_width);
}

std::string rank_mark(TieRank rank, bool tie, const char* what) {
  if (rank == TieRank::Apart) return "";
  return std::string("<- ") + (tie ? "tied " : "") + what;
}

std::string seed_range(const std::vector<SeededVariant>& variants) {
  const SeededVariant& v = variants.front();
  const std::size_t n = v.runs.size();
  bool same = true;
  for (const SeededVariant& other : variants) same = same && other.first_seed == v.first_seed;
  if (!same) return std::to_string(n) + " seeds (each variant's runtime.seed and the " + std::to_string(n - 1) + " after it)";
  return std::to_string(n) + " seeds (runtime.seed " + std::to_string(v.first_seed) + " to " +
         std::to_string(v.first_seed + n - 1) + ")";
}

void write_variant_rows(std::ostream& out, const std::vector<SeededVariant>& variants, bool open_loop) {
  std::vector<double> makespans;
  for (const SeededVariant& v : variants) makespans.push_back(v.makespan.mean);
  const ColumnUnit unit = ColumnUnit::for_values(makespans, 5);
  bool tie = false;
  for (const SeededVariant& v : variants) tie = tie || v.makespan_rank == TieRank::Tied;
  std::vector<std::vector<std::string>> cells = {
      {"variant", "machine", "interval", "makespan", "speedup", "cpu-util", "gil-switches", ""}};
  for (const SeededVariant& v : variants) {
    const Summary& s = v.first();
    cells.push_back({variant_label(s), std::to_string(s.cores) + "x" + std::to_string(s.smt),
                     format_duration(s.switch_interval), unit_spread(unit, v.makespan), number_spread("%.2fx", 1, v.speedup),
                     number_spread("%.1f%%", 100, v.cpu_utilisation), number_spread("%.0f", 1, v.gil_switches),
                     variants.size() > 1 && !open_loop ? rank_mark(v.makespan_rank, tie, "fastest") : ""});
  }
  write_aligned(out, cells);
  if (variants.size() > 1 && !open_loop)
    out << "(fastest: the lowest mean makespan; a variant whose interval overlaps the fastest one's is tied with\n"
           " it, and so is the fastest: these seeds cannot tell them apart)\n";
}

void write_latency_rows(std::ostream& out, const std::vector<SeededVariant>& variants) {
  std::vector<double> times;
  std::size_t sources = 0;
  for (const SeededVariant& v : variants) {
    sources = std::max(sources, v.latency.size());
    for (const LatencySpread& l : v.latency) times.insert(times.end(), {l.mean.mean, l.p50.mean, l.p99.mean});
  }
  if (times.empty()) return;
  const ColumnUnit unit = ColumnUnit::for_values(times, 5);
  std::vector<bool> tie(sources, false);
  for (const SeededVariant& v : variants)
    for (std::size_t i = 0; i < v.latency.size(); ++i) tie[i] = tie[i] || v.latency[i].p99_rank == TieRank::Tied;
  std::vector<std::vector<std::string>> cells = {{"variant", "requests", "count", "mean", "p50", "p99", "served/s", ""}};
  for (const SeededVariant& v : variants)
    for (std::size_t i = 0; i < v.latency.size(); ++i) {
      const LatencySpread& l = v.latency[i];
      std::string note = variants.size() > 1 ? rank_mark(l.p99_rank, tie[i], "lowest p99") : "";
      if (l.saturated_seeds > 0)
        note += std::string(note.empty() ? "" : "; ") + "saturated in " + std::to_string(l.saturated_seeds) + " of " +
                std::to_string(v.runs.size()) + " seeds";
      cells.push_back({variant_label(v.first()), l.source, fixed("%.0f", l.count.mean), unit_spread(unit, l.mean),
                       unit_spread(unit, l.p50), unit_spread(unit, l.p99), number_spread("%.1f", 1, l.throughput), note});
    }
  out << "\n";
  write_aligned(out, cells);
  out << "(latency: from arrival to completion, README \"Requests\"; lowest p99: per source, the lowest mean p99,\n"
         " and tied: a p99 whose interval overlaps it)\n";
}

void write_spread_json(std::ostream& out, const Spread& s, bool seconds) {
  auto value = [&](double v) { return seconds ? json::seconds(v) : json::number(v); };
  out << "{\"mean\": " << value(s.mean) << ", \"half_width\": " << value(s.half_width) << ", \"low\": " << value(s.low())
      << ", \"high\": " << value(s.high()) << ", \"values\": [";
  for (std::size_t i = 0; i < s.values.size(); ++i) out << (i ? ", " : "") << value(s.values[i]);
  out << "]}";
}

const char* rank_name(TieRank rank, bool tie, const char* best) {
  if (rank == TieRank::Apart) return "";
  return tie ? "tied" : best;
}

}  // namespace

std::string describe_spread(const Spread& spread) {
  return format_duration(spread.mean) + " ± " + format_duration(spread.half_width) + " (95% CI, " +
         std::to_string(spread.values.size()) + " seeds)";
}

void write_seeded_report(std::ostream& out, const std::string& file, const std::vector<SeededVariant>& variants) {
  const std::size_t n = variants.front().runs.size();
  bool open_loop = false;
  for (const SeededVariant& v : variants) open_loop = open_loop || !v.latency.empty();
  out << "scenario " << variants.front().first().scenario << " (" << file << "), " << seed_range(variants) << "\n";
  out << "each figure: its mean over the seeds ± the half width of its 95% confidence interval\n"
      << "(Student's t with " << n - 1 << " degrees of freedom: t = " << fixed("%.3f", student_t_quantile(kConfidence, static_cast<int>(n) - 1))
      << ", half width = t x standard deviation / sqrt(" << n << "))\n\n";
  write_variant_rows(out, variants, open_loop);
  write_latency_rows(out, variants);
  out << "\n";
  for (const SeededVariant& v : variants) {
    out << "[" << variant_label(v.first()) << "] makespan " << describe_spread(v.makespan);
    for (const LatencySpread& l : v.latency) out << "; " << l.source << " p99 " << describe_spread(l.p99);
    out << "\n";
  }
  out << "(one run per seed: --json lists each run's whole summary)\n";
}

void write_seeded_report_json(std::ostream& out, const std::string& file, const std::vector<SeededVariant>& variants) {
  const std::size_t n = variants.front().runs.size();
  bool makespan_tie = false;
  for (const SeededVariant& v : variants) makespan_tie = makespan_tie || v.makespan_rank == TieRank::Tied;
  out << "{\n  \"schema_version\": " << kSummarySchemaVersion << ",\n  \"file\": " << json::quote(file) << ",\n";
  out << "  \"seeds\": {\"count\": " << n << ", \"confidence\": " << json::number(kConfidence, 2)
      << ", \"degrees_of_freedom\": " << n - 1
      << ", \"t_quantile\": " << json::number(student_t_quantile(kConfidence, static_cast<int>(n) - 1)) << "},\n";
  out << "  \"variants\": [";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const SeededVariant& v = variants[i];
    const Summary& s = v.first();
    const std::string pad = "      ";
    out << (i ? ",\n" : "\n") << "    {\n";
    out << pad << "\"scenario\": " << json::quote(s.scenario) << ",\n";
    out << pad << "\"variant\": " << json::quote(s.variant) << ",\n";
    out << pad << "\"first_seed\": " << v.first_seed << ",\n";
    out << pad << "\"cores\": " << s.cores << ",\n" << pad << "\"smt\": " << s.smt << ",\n";
    out << pad << "\"switch_interval_s\": " << json::seconds(s.switch_interval) << ",\n";
    out << pad << "\"makespan_s\": ";
    write_spread_json(out, v.makespan, true);
    out << ",\n" << pad << "\"speedup\": ";
    write_spread_json(out, v.speedup, false);
    out << ",\n" << pad << "\"cpu_utilisation\": ";
    write_spread_json(out, v.cpu_utilisation, false);
    out << ",\n" << pad << "\"gil_switches\": ";
    write_spread_json(out, v.gil_switches, false);
    out << ",\n" << pad << "\"rank\": "
        << json::quote(variants.size() > 1 ? rank_name(v.makespan_rank, makespan_tie, "fastest") : "") << ",\n";
    if (!v.latency.empty()) {
      out << pad << "\"latency\": [";
      for (std::size_t k = 0; k < v.latency.size(); ++k) {
        const LatencySpread& l = v.latency[k];
        bool tie = false;
        for (const SeededVariant& other : variants)
          tie = tie || (k < other.latency.size() && other.latency[k].p99_rank == TieRank::Tied);
        out << (k ? ",\n" : "\n") << pad << "  {\"source\": " << json::quote(l.source) << ", \"count\": ";
        write_spread_json(out, l.count, false);
        out << ", \"mean_s\": ";
        write_spread_json(out, l.mean, true);
        out << ", \"p50_s\": ";
        write_spread_json(out, l.p50, true);
        out << ", \"p99_s\": ";
        write_spread_json(out, l.p99, true);
        out << ", \"throughput_per_s\": ";
        write_spread_json(out, l.throughput, false);
        out << ", \"saturated_seeds\": " << l.saturated_seeds << ", \"rank\": "
            << json::quote(variants.size() > 1 ? rank_name(l.p99_rank, tie, "lowest_p99") : "") << "}";
      }
      out << "\n" << pad << "],\n";
    }
    out << pad << "\"runs\": [\n";
    for (std::size_t r = 0; r < v.runs.size(); ++r) {
      v.runs[r].write_json(out, 8);
      out << (r + 1 < v.runs.size() ? ",\n" : "\n");
    }
    out << pad << "]\n    }";
  }
  out << "\n  ]\n}\n";
}

}  // namespace gilsim
