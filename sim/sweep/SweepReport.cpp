#include "sim/sweep/SweepReport.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/sweep/SweepExplanation.hpp"
#include "sim/sweep/SweepRunReader.hpp"
#include "sim/sweep/SweepSeeds.hpp"
#include "sim/trace/ColumnUnit.hpp"
#include "sim/trace/Summary.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

namespace gilsim::sweep {

RowMetrics metrics_of(const Summary& s) {
  RowMetrics m;
  m.makespan = s.makespan;
  m.sequential = s.sequential;
  m.cpu_utilisation = s.cpu_utilisation;
  double gil_waiting = 0, blocked = 0, running = 0;
  for (const ThreadStateInfo& state : kThreadStates) {
    const double total = s.state_total(state.state);
    m.thread_seconds += total;
    if (state.category == StateCategory::GilWaiting) gil_waiting += total;
    if (state.category == StateCategory::Blocked) blocked += total;
    // On a core or waiting for one (cpu-wait, under the EEVDF scheduler): threads wanting a core.
    if (state.category == StateCategory::Running || state.category == StateCategory::CpuWaiting) running += total;
  }
  if (m.thread_seconds > 0) {
    m.gil_wait_share = gil_waiting / m.thread_seconds;
    m.io_share = blocked / m.thread_seconds;
  }
  if (s.makespan > 0) m.busy_threads = running / s.makespan;
  m.hardware_threads = s.cores * s.smt;
  if (s.makespan > 0) {
    m.startup_share = s.startup / s.makespan;
    m.transfer_ratio = (s.pickling + s.transfer) / s.makespan;
  }
  return m;
}

namespace {

// "1-2 cores" for a run of consecutive swept core counts.
std::string cores_range(const std::vector<int>& cores) {
  if (cores.size() == 1) return cores_text(cores.front());
  return std::to_string(cores.front()) + "-" + std::to_string(cores.back()) + " cores";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos && (text.empty() || text.front() != ' ')) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string strategy_cell(const SweepReport& report, const SweepRow& row) {
  return report.plan->strategy_label(row.config->strategy);
}

std::string pad(const std::string& text, std::size_t width) {
  // Widths count code points, so that "µs" and other UTF-8 keep columns aligned.
  std::size_t length = 0;
  for (unsigned char c : text) length += (c & 0xC0) != 0x80;
  return length >= width ? text : text + std::string(width - length, ' ');
}

void write_aligned(std::ostream& out, const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> widths;
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i) {
      std::size_t length = 0;
      for (unsigned char c : line[i]) length += (c & 0xC0) != 0x80;
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], length);
    }
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i)
      text += i + 1 == line.size() ? line[i] : pad(line[i], widths[i] + 2);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
}

struct BestEntry {
  std::size_t params;
  int cores;
  const SweepRow* row;
};

std::vector<BestEntry> best_entries(const SweepReport& report) {
  std::vector<BestEntry> entries;
  for (const SweepRow& row : report.rows)
    if (row.best) entries.push_back({row.config->params, row.config->cores, &row});
  std::stable_sort(entries.begin(), entries.end(), [](const BestEntry& a, const BestEntry& b) {
    return a.params != b.params ? a.params < b.params : a.cores < b.cores;
  });
  return entries;
}

}  // namespace

SweepReport build_report(const SweepPlan& plan, const std::string& dir) {
  SweepReport report;
  report.plan = &plan;
  report.rows.resize(plan.configs.size());
  for (std::size_t i = 0; i < plan.configs.size(); ++i) {
    SweepRow& row = report.rows[i];
    row.config = &plan.configs[i];
    read_run_result(row, dir);
    if (row.ok) row.bottleneck = classify(row.metrics);
    else ++report.failed;
  }

  // Speedup against the same strategy and params at 1 core.
  std::map<std::pair<std::string, std::size_t>, const SweepRow*> baseline;
  for (const SweepRow& row : report.rows)
    if (row.config->cores == 1) baseline[{row.config->strategy, row.config->params}] = &row;
  for (SweepRow& row : report.rows) {
    auto it = baseline.find({row.config->strategy, row.config->params});
    if (!row.ok || it == baseline.end() || !it->second->ok || row.metrics.makespan <= 0) continue;
    row.speedup = it->second->metrics.makespan / row.metrics.makespan;
    row.efficiency = row.speedup / row.config->cores;
  }

  // The best strategy per (params, cores): lowest makespan, the first listed on a tie.
  std::map<std::pair<std::size_t, int>, SweepRow*> best;
  for (SweepRow& row : report.rows) {
    if (!row.ok) continue;
    SweepRow*& b = best[{row.config->params, row.config->cores}];
    if (!b || row.metrics.makespan < b->metrics.makespan) b = &row;
  }
  for (auto& entry : best) entry.second->best = true;
  if (plan.seeds > 0) mark_ties(report);

  // One sentence per series (rows are grouped by strategy and params, cores ascending).
  for (std::size_t i = 0; i < report.rows.size();) {
    std::size_t j = i;
    std::vector<const SweepRow*> series;
    while (j < report.rows.size() && report.rows[j].config->strategy == report.rows[i].config->strategy &&
           report.rows[j].config->params == report.rows[i].config->params)
      series.push_back(&report.rows[j++]);
    report.explanation.push_back(explain_series(plan, series));
    i = j;
  }
  if (plan.strategies.size() > 1) {
    const std::vector<BestEntry> entries = best_entries(report);
    for (std::size_t i = 0; i < entries.size();) {
      const std::size_t params = entries[i].params;
      std::string line;
      while (i < entries.size() && entries[i].params == params) {
        const std::string strategy = best_cell(report, *entries[i].row);
        std::vector<int> cores;
        // Consecutive swept core counts with the same winner form one range.
        while (i < entries.size() && entries[i].params == params && best_cell(report, *entries[i].row) == strategy) {
          const auto swept = std::find(plan.cores.begin(), plan.cores.end(), entries[i].cores);
          if (!cores.empty() && *(swept - 1) != cores.back()) break;
          cores.push_back(entries[i++].cores);
        }
        line += (line.empty() ? "" : ", ") + strategy + " at " + cores_range(cores);
      }
      const std::string params_label = plan.params_label(params);
      report.explanation.push_back("best strategy" + (params_label.empty() ? "" : " (" + params_label + ")") + ": " + line);
    }
  }
  if (report.failed > 0)
    report.explanation.push_back(std::to_string(report.failed) + " of " + std::to_string(report.rows.size()) +
                                 " configurations have no result (see the error column)");
  return report;
}

void write_csv(std::ostream& out, const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  out << "strategy,cores,smt,switch_interval";
  for (const SetAxis& axis : plan.sets) out << "," << csv_field(axis.key);
  bool requests = false;  // latency columns (the first request source) at the end, when some row has them
  for (const SweepRow& row : report.rows) requests |= row.ok && !row.latency.empty();
  out << ",baseline_only,makespan_s,speedup,efficiency,cpu_utilisation,gil_wait_share,io_share,startup_share,"
         "transfer_ratio,bottleneck,best,error"
      << (requests ? ",p50_s,p99_s,throughput_per_s,saturated" : "")
      << (plan.seeds > 0 ? ",seeds,makespan_ci_s,tied" : "") << (plan.seeds > 0 && requests ? ",p50_ci_s,p99_ci_s" : "")
      << "\n";
  for (const SweepRow& row : report.rows) {
    const SweepConfig& c = *row.config;
    out << csv_field(strategy_cell(report, row)) << "," << c.cores << "," << c.smt << "," << csv_field(c.switch_interval);
    for (const std::string& v : c.set_values) out << "," << csv_field(v);
    out << "," << (c.baseline_only ? "true" : "false") << ",";
    if (row.ok) {
      out << json::seconds(row.metrics.makespan) << ","
          << (row.speedup >= 0 ? json::number(row.speedup, 4) : "") << ","
          << (row.efficiency >= 0 ? json::number(row.efficiency, 4) : "") << ","
          << json::number(row.metrics.cpu_utilisation, 4) << "," << json::number(row.metrics.gil_wait_share, 4) << ","
          << json::number(row.metrics.io_share, 4) << "," << json::number(row.metrics.startup_share, 4) << ","
          << json::number(row.metrics.transfer_ratio, 4) << "," << csv_field(bottleneck_name(row.bottleneck));
    } else {
      out << ",,,,,,,,";
    }
    out << "," << (row.best ? "true" : "false") << "," << csv_field(row.error);
    if (requests && row.ok && !row.latency.empty()) {
      const LatencyStats& l = row.latency[0];
      out << "," << json::seconds(l.p50) << "," << json::seconds(l.p99) << "," << json::number(l.throughput, 3) << ","
          << (l.saturated ? "true" : "false");
    } else if (requests) {
      out << ",,,,";
    }
    if (plan.seeds > 0) write_seeded_csv_cells(out, row, requests);
    out << "\n";
  }
}

void write_json(std::ostream& out, const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  using json::quote;
  out << "{\n  \"scenario\": " << quote(plan.scenario_name) << ",\n  \"file\": " << quote(plan.scenario) << ",\n";
  out << "  \"set_keys\": [";
  for (std::size_t i = 0; i < plan.sets.size(); ++i) out << (i ? ", " : "") << quote(plan.sets[i].key);
  out << "],\n  \"rows\": [";
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const SweepRow& row = report.rows[i];
    const SweepConfig& c = *row.config;
    out << (i ? ",\n" : "\n") << "    {\"key\": " << quote(c.key) << ", \"strategy\": " << quote(strategy_cell(report, row))
        << ", \"cores\": " << c.cores << ", \"smt\": " << c.smt << ", \"switch_interval\": " << quote(c.switch_interval)
        << ", \"set\": [";
    for (std::size_t v = 0; v < c.set_values.size(); ++v) out << (v ? ", " : "") << quote(c.set_values[v]);
    out << "], \"baseline_only\": " << (c.baseline_only ? "true" : "false");
    if (row.ok) {
      const RowMetrics& m = row.metrics;
      out << ", \"makespan_s\": " << json::seconds(m.makespan)
          << ", \"speedup\": " << (row.speedup >= 0 ? json::number(row.speedup) : "null")
          << ", \"efficiency\": " << (row.efficiency >= 0 ? json::number(row.efficiency) : "null")
          << ", \"cpu_utilisation\": " << json::number(m.cpu_utilisation)
          << ", \"gil_wait_share\": " << json::number(m.gil_wait_share) << ", \"io_share\": " << json::number(m.io_share)
          << ", \"startup_share\": " << json::number(m.startup_share) << ", \"transfer_ratio\": " << json::number(m.transfer_ratio)
          << ", \"busy_threads\": " << json::number(m.busy_threads) << ", \"hardware_threads\": " << m.hardware_threads
          << ", \"bottleneck\": " << quote(bottleneck_name(row.bottleneck));
      if (!row.latency.empty()) {
        out << ", \"latency\": [";
        write_latency_json(out, row.latency, "      ");
        out << "]";
      }
      if (row.seeds > 0) write_seeded_row_json(out, row);
    } else {
      out << ", \"makespan_s\": null, \"speedup\": null, \"efficiency\": null, \"cpu_utilisation\": null"
             ", \"gil_wait_share\": null, \"io_share\": null, \"startup_share\": null, \"transfer_ratio\": null"
             ", \"busy_threads\": null, \"hardware_threads\": null"
             ", \"bottleneck\": null";
    }
    out << ", \"best\": " << (row.best ? "true" : "false");
    if (plan.seeds > 0) out << ", \"tied\": " << (row.tied ? "true" : "false");
    out << ", \"error\": " << quote(row.error) << "}";
  }
  out << "\n  ],\n  \"best\": [";
  const std::vector<BestEntry> entries = best_entries(report);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out << (i ? ",\n" : "\n") << "    {\"params\": " << quote(plan.params_label(entries[i].params))
        << ", \"cores\": " << entries[i].cores << ", \"strategy\": " << quote(strategy_cell(report, *entries[i].row))
        << ", \"makespan_s\": " << json::seconds(entries[i].row->metrics.makespan);
    if (plan.seeds > 0) write_tied_with_json(out, report, *entries[i].row);
    out << "}";
  }
  out << "\n  ],\n  \"explanation\": [";
  for (std::size_t i = 0; i < report.explanation.size(); ++i)
    out << (i ? ",\n" : "\n") << "    " << quote(report.explanation[i]);
  out << "\n  ]\n}\n";
}

void write_table(std::ostream& out, const SweepReport& report) {
  const SweepPlan& plan = *report.plan;
  // Start-up and transfer columns only when some process was started by a parent or data moved.
  bool processes_moved = false;
  for (const SweepRow& row : report.rows)
    processes_moved |= row.ok && (row.metrics.startup_share > 0 || row.metrics.transfer_ratio > 0);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"strategy", "cores", "smt", "interval"};
  for (const SetAxis& axis : plan.sets) header.push_back(axis.key);
  header.insert(header.end(), {"makespan", "speedup", "efficiency", "cpu-util", "gil-wait", "io"});
  if (processes_moved) header.insert(header.end(), {"start-up", "transfer"});
  // Request latency (the first source) only when some configuration served requests.
  bool requests = false;
  for (const SweepRow& row : report.rows) requests |= row.ok && !row.latency.empty();
  if (requests) header.insert(header.end(), {"p50", "p99", "served/s", "load"});
  header.insert(header.end(), {"bottleneck", "best", "error"});
  cells.push_back(header);
  std::vector<double> makespans;
  for (const SweepRow& row : report.rows)
    if (row.ok) makespans.push_back(row.metrics.makespan);
  const ColumnUnit unit = ColumnUnit::for_values(makespans, 5);  // one unit for the column
  bool any_baseline = false;
  for (const SweepRow& row : report.rows) {
    const SweepConfig& c = *row.config;
    any_baseline |= c.baseline_only;
    std::vector<std::string> line = {strategy_cell(report, row), std::to_string(c.cores) + (c.baseline_only ? "*" : ""),
                                     std::to_string(c.smt), c.switch_interval};
    line.insert(line.end(), c.set_values.begin(), c.set_values.end());
    if (row.ok) {
      const RowMetrics& m = row.metrics;
      line.insert(line.end(), {with_spread(unit.format(m.makespan), unit.format(row.makespan_spread.half_width), row.seeds),
                               row.speedup >= 0 ? formatted("%.2fx", row.speedup) : "-",
                               row.efficiency >= 0 ? percent(row.efficiency) : "-", formatted("%.1f%%", 100 * m.cpu_utilisation),
                               formatted("%.1f%%", 100 * m.gil_wait_share), formatted("%.1f%%", 100 * m.io_share)});
      if (processes_moved)
        line.insert(line.end(), {formatted("%.1f%%", 100 * m.startup_share), formatted("%.2f", m.transfer_ratio)});
      if (requests && !row.latency.empty()) {
        const LatencyStats& l = row.latency[0];
        if (row.seeds > 0) {
          const std::vector<std::string> seeded = seeded_latency_cells(row);
          line.insert(line.end(), seeded.begin(), seeded.end());
        } else {
          line.insert(line.end(), {short_latency(l.p50), short_latency(l.p99), formatted("%.1f", l.throughput),
                                   l.saturated ? "saturated" : ""});
        }
      } else if (requests) {
        line.insert(line.end(), {"-", "-", "-", ""});
      }
      line.insert(line.end(), {bottleneck_name(row.bottleneck), best_mark(report, row), ""});
    } else {
      for (int i = 0; i < (processes_moved ? 8 : 6) + (requests ? 4 : 0); ++i) line.push_back("-");  // makespan to load
      line.insert(line.end(), {"", "", row.error});                             // bottleneck, best, error
    }
    cells.push_back(line);
  }
  out << "sweep of " << plan.scenario_name << " (" << plan.scenario << "): " << report.rows.size() << " configurations\n\n";
  write_aligned(out, cells);
  out << "(speedup: makespan at 1 core / makespan, same strategy and parameters; efficiency: speedup / cores;\n"
         " gil-wait and io (io + sleep): shares of thread time;"
      << (processes_moved ? "\n start-up: when the last process was ready, share of the makespan; transfer: pickling and pipe\n"
                            " writes, thread-seconds per second of makespan;"
                          : "")
      << " bottleneck thresholds: README, Sweeps)\n";
  if (requests)
    out << "(p50, p99, served/s: request latency of the first request source and requests / last completion; load:\n"
           " saturated when the queue grows with the run, README \"Requests\"; latency.svg plots them against the load)\n";
  if (any_baseline) out << "* cores=1 is not in --cores: added as the speedup baseline\n";
  if (plan.seeds > 0) write_seeds_note(out, plan.seeds);

  if (plan.strategies.size() > 1) {
    out << "\nbest strategy per core count (lowest makespan):\n";
    std::vector<std::vector<std::string>> best = {{"cores"}};
    if (plan.param_count > 1) best[0].push_back("parameters");
    best[0].push_back("strategy");
    best[0].push_back("makespan");
    for (const BestEntry& e : best_entries(report)) {
      std::vector<std::string> line = {std::to_string(e.cores)};
      if (plan.param_count > 1) line.push_back(plan.params_label(e.params));
      line.push_back(best_cell(report, *e.row));
      line.push_back(with_spread(unit.format(e.row->metrics.makespan), unit.format(e.row->makespan_spread.half_width),
                                 e.row->seeds));
      best.push_back(line);
    }
    write_aligned(out, best);
  }
}

void write_explanation(std::ostream& out, const SweepReport& report) {
  for (const std::string& line : report.explanation) out << line << "\n";
}

}  // namespace gilsim::sweep
