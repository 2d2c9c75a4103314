#include "sim/sweep/SweepSeeds.hpp"

#include <cstdio>
#include <map>
#include <stdexcept>

#include "sim/trace/SeededSummary.hpp"
#include "sim/trace/Summary.hpp"
#include "sim/util/JsonWriter.hpp"

namespace gilsim::sweep {

namespace {

// Field by field, the mean of the seeds' metrics (hardware threads are the same in every seed).
RowMetrics mean_metrics(const std::vector<Summary>& runs) {
  RowMetrics m;
  const double n = static_cast<double>(runs.size());
  for (const Summary& s : runs) {
    const RowMetrics one = metrics_of(s);
    m.makespan += one.makespan / n;
    m.sequential += one.sequential / n;
    m.cpu_utilisation += one.cpu_utilisation / n;
    m.thread_seconds += one.thread_seconds / n;
    m.gil_wait_share += one.gil_wait_share / n;
    m.io_share += one.io_share / n;
    m.busy_threads += one.busy_threads / n;
    m.hardware_threads = one.hardware_threads;
    m.startup_share += one.startup_share / n;
    m.transfer_ratio += one.transfer_ratio / n;
  }
  return m;
}

std::string one_decimal(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

void read_seeded_row(SweepRow& row, const YAML::Node& variant) {
  std::vector<Summary> runs;
  for (const auto& run : variant["runs"]) runs.push_back(Summary::from_json(run));
  if (runs.size() < 2) throw std::runtime_error("expected the runs of at least 2 seeds");
  const SeededVariant seeded = aggregate_seeds(variant["first_seed"].as<uint64_t>(), runs);
  row.metrics = mean_metrics(runs);
  row.latency = seeded.mean_latency;
  row.seeds = static_cast<int>(runs.size());
  row.makespan_spread = seeded.makespan;
  row.latency_spread = seeded.latency;
}

void mark_ties(SweepReport& report) {
  std::map<std::pair<std::size_t, int>, const SweepRow*> best;
  for (const SweepRow& row : report.rows)
    if (row.best) best[{row.config->params, row.config->cores}] = &row;
  for (SweepRow& row : report.rows) {
    auto it = best.find({row.config->params, row.config->cores});
    if (row.ok && !row.best && row.seeds > 0 && it != best.end() && it->second->seeds > 0)
      row.tied = row.makespan_spread.overlaps(it->second->makespan_spread);
  }
}

std::vector<const SweepRow*> tied_with(const SweepReport& report, const SweepRow& best) {
  std::vector<const SweepRow*> tied;
  for (const SweepRow& row : report.rows)
    if (row.tied && row.config->params == best.config->params && row.config->cores == best.config->cores)
      tied.push_back(&row);
  return tied;
}

std::string best_cell(const SweepReport& report, const SweepRow& best) {
  std::string text = report.plan->strategy_label(best.config->strategy);
  const std::vector<const SweepRow*> tied = tied_with(report, best);
  for (std::size_t i = 0; i < tied.size(); ++i)
    text += (i == 0 ? ", tied with " : i + 1 == tied.size() ? " and " : ", ") +
            report.plan->strategy_label(tied[i]->config->strategy);
  return text;
}

std::string best_mark(const SweepReport& report, const SweepRow& row) {
  if (row.tied) return "tied";
  if (!row.best) return "";
  return tied_with(report, row).empty() ? "best" : "tied";
}

void write_seeded_csv_cells(std::ostream& out, const SweepRow& row, bool requests) {
  const bool seeded = row.ok && row.seeds > 0;
  out << "," << (seeded ? std::to_string(row.seeds) : "") << ","
      << (seeded ? json::seconds(row.makespan_spread.half_width) : "") << "," << (row.tied ? "true" : "false");
  if (requests && seeded && !row.latency_spread.empty())
    out << "," << json::seconds(row.latency_spread[0].p50.half_width) << ","
        << json::seconds(row.latency_spread[0].p99.half_width);
  else if (requests)
    out << ",,";
}

void write_seeded_row_json(std::ostream& out, const SweepRow& row) {
  out << ", \"seeds\": " << row.seeds << ", \"makespan_ci_s\": " << json::seconds(row.makespan_spread.half_width);
  if (row.latency_spread.empty()) return;
  out << ", \"latency_ci\": [";
  for (std::size_t k = 0; k < row.latency_spread.size(); ++k) {
    const LatencySpread& l = row.latency_spread[k];
    out << (k ? ", " : "") << "{\"source\": " << json::quote(l.source) << ", \"mean_s\": " << json::seconds(l.mean.half_width)
        << ", \"p50_s\": " << json::seconds(l.p50.half_width) << ", \"p99_s\": " << json::seconds(l.p99.half_width)
        << ", \"throughput_per_s\": " << json::number(l.throughput.half_width)
        << ", \"saturated_seeds\": " << l.saturated_seeds << "}";
  }
  out << "]";
}

void write_tied_with_json(std::ostream& out, const SweepReport& report, const SweepRow& best) {
  out << ", \"tied_with\": [";
  const std::vector<const SweepRow*> tied = tied_with(report, best);
  for (std::size_t k = 0; k < tied.size(); ++k)
    out << (k ? ", " : "") << json::quote(report.plan->strategy_label(tied[k]->config->strategy));
  out << "]";
}

std::vector<std::string> seeded_latency_cells(const SweepRow& row) {
  const LatencyStats& l = row.latency[0];  // the means over the seeds
  const LatencySpread& s = row.latency_spread[0];
  return {short_latency(l.p50) + " ± " + short_latency(s.p50.half_width),
          short_latency(l.p99) + " ± " + short_latency(s.p99.half_width),
          one_decimal(l.throughput) + " ± " + one_decimal(s.throughput.half_width),
          s.saturated_seeds ? "saturated in " + std::to_string(s.saturated_seeds) + " of " + std::to_string(row.seeds) + " seeds"
                            : ""};
}

void write_seeds_note(std::ostream& out, int seeds) {
  out << "(" << seeds << " seeds per configuration: each figure is the mean over the seeds, ± the half width of its\n"
         " 95% confidence interval (Student's t, " << seeds - 1 << " degrees of freedom); tied: the makespan interval\n"
         " overlaps the best one's at the same cores and parameters, so these seeds cannot tell them apart)\n";
}

std::string with_spread(const std::string& mean, const std::string& half, int seeds) {
  return seeds > 0 ? mean + " ± " + half : mean;
}

}  // namespace gilsim::sweep
