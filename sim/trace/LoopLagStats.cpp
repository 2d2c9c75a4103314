#include "sim/trace/LoopLagStats.hpp"

#include <algorithm>

#include "sim/trace/ColumnUnit.hpp"
#include "sim/trace/LatencyStats.hpp"
#include "sim/util/JsonWriter.hpp"

namespace gilsim {
namespace {

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::vector<LoopLagStats> loop_lag_stats(const Timeline& timeline) {
  std::vector<LoopLagStats> stats;
  for (const LoopLagRecord& record : timeline.loop_lags) {
    LoopLagStats s;
    s.loop = record.loop;
    s.count = static_cast<int64_t>(record.lags.size());
    if (!record.lags.empty()) {
      std::vector<double> sorted = record.lags;
      std::sort(sorted.begin(), sorted.end());
      double sum = 0;
      for (double lag : sorted) sum += lag;
      s.mean = sum / static_cast<double>(sorted.size());
      s.p50 = nearest_rank(sorted, 0.50);
      s.p99 = nearest_rank(sorted, 0.99);
      s.max = sorted.back();
    }
    stats.push_back(s);
  }
  return stats;
}

void write_loop_lag_table(std::ostream& out,
                          const std::vector<std::pair<std::string, const std::vector<LoopLagStats>*>>& rows) {
  std::size_t width = 8, loop_width = 6;
  std::vector<double> times;
  for (const auto& [variant, stats] : rows)
    for (const LoopLagStats& l : *stats) {
      width = std::max(width, variant.size() + 2);
      loop_width = std::max(loop_width, l.loop.size() + 2);
      times.insert(times.end(), {l.mean, l.p50, l.p99, l.max});
    }
  if (times.empty()) return;
  const ColumnUnit unit = ColumnUnit::for_values(times, 5);
  out << "\n" << pad("variant", width) << pad("loop", loop_width) << pad("steps", 9);
  for (const char* column : {"lag-mean", "lag-p50", "lag-p99"}) out << pad(column, 11);
  out << "lag-max\n";
  for (const auto& [variant, stats] : rows)
    for (const LoopLagStats& l : *stats) {
      out << pad(variant, width) << pad(l.loop, loop_width) << pad(std::to_string(l.count), 9);
      for (double v : {l.mean, l.p50, l.p99}) out << pad(unit.format(v), 11);
      out << unit.format(l.max) << "\n";
    }
  out << "(event-loop lag: per task step the loop ran, from when it became ready (created, its timer due,\n"
         " its I/O or request in, woken by a lock, queue or executor) to when the loop began running it)\n";
}

void write_loop_lag_json(std::ostream& out, const std::vector<LoopLagStats>& stats, const std::string& pad) {
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const LoopLagStats& s = stats[i];
    out << (i ? ",\n" : "\n") << pad << "{\"loop\": " << json::quote(s.loop) << ", \"count\": " << s.count
        << ", \"mean_s\": " << json::seconds(s.mean) << ", \"p50_s\": " << json::seconds(s.p50)
        << ", \"p99_s\": " << json::seconds(s.p99) << ", \"max_s\": " << json::seconds(s.max) << "}";
  }
}

std::vector<LoopLagStats> loop_lag_from_json(const YAML::Node& node) {
  std::vector<LoopLagStats> stats;
  if (!node.IsDefined()) return stats;
  for (const auto& entry : node) {
    LoopLagStats s;
    s.loop = entry["loop"].as<std::string>();
    s.count = entry["count"].as<int64_t>();
    s.mean = entry["mean_s"].as<double>();
    s.p50 = entry["p50_s"].as<double>();
    s.p99 = entry["p99_s"].as<double>();
    s.max = entry["max_s"].as<double>();
    stats.push_back(s);
  }
  return stats;
}

}  // namespace gilsim
