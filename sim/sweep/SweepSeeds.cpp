#include "sim/sweep/SweepSeeds.hpp"

#include <map>
#include <stdexcept>

#include "sim/trace/SeededSummary.hpp"
#include "sim/trace/Summary.hpp"

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

std::string with_spread(const std::string& mean, const std::string& half, int seeds) {
  return seeds > 0 ? mean + " ± " + half : mean;
}

}  // namespace gilsim::sweep
