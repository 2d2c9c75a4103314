#include "sim/trace/SummaryReport.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "sim/trace/ColumnUnit.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

std::string fixed(double value, const char* format) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string variant_label(const Summary& s) { return s.variant.empty() ? s.scenario : s.variant; }

void write_variant_table(std::ostream& out, const std::vector<Summary>& variants) {
  std::size_t width = 8;
  for (const auto& s : variants) width = std::max(width, variant_label(s).size() + 2);
  out << pad("variant", width) << pad("machine", 9) << pad("interval", 9) << pad("makespan", 12)
      << pad("speedup", 9) << pad("cpu-util", 9);
  for (const ThreadStateInfo& state : kThreadStates)
    if (state.variant_column) out << pad(state.name, 10);
  out << pad("start-up", 10) << pad("pickling", 10) << pad("transfer", 10) << "gil-switches\n";
  std::size_t fastest = 0;
  std::vector<double> makespans;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].makespan < variants[fastest].makespan) fastest = i;
    makespans.push_back(variants[i].makespan);
  }
  const ColumnUnit makespan_unit = ColumnUnit::for_values(makespans, 5);
  // Requests arrive on their own schedule: the makespan is then the arrivals' span, not the
  // work's, and the fastest variant means nothing (the latency table compares them).
  bool open_loop = false;
  for (const Summary& s : variants) open_loop = open_loop || !s.latency.empty();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Summary& s = variants[i];
    out << pad(variant_label(s), width) << pad(std::to_string(s.cores) + "x" + std::to_string(s.smt), 9)
        << pad(format_duration(s.switch_interval), 9) << pad(makespan_unit.format(s.makespan), 12)
        << pad(fixed(s.speedup, "%.2fx"), 9) << pad(fixed(100 * s.cpu_utilisation, "%.1f%%"), 9);
    for (const ThreadStateInfo& state : kThreadStates)
      if (state.variant_column) out << pad(fixed(s.state_total(state.state), "%.3fs"), 10);
    out << pad(fixed(s.startup, "%.3fs"), 10)
        << pad(fixed(s.pickling, "%.3fs"), 10) << pad(fixed(s.transfer, "%.3fs"), 10)
        << std::to_string(s.gil_switches)
        << (variants.size() > 1 && i == fastest && !open_loop ? "  <- fastest" : "") << "\n";
  }
  out << "(speedup: against the same work run in one thread, one step after another; python, gil-wait,\n"
         " io, native, pickling (incl. queue operations), transfer (pipe I/O): thread-seconds summed over\n"
         " threads; start-up: when the last process started by a parent was ready to run)\n";
}

// Per physical core: % of the makespan with a sibling busy (and, with SMT, all siblings busy).
void write_core_line(std::ostream& out, const Summary& s) {
  constexpr std::size_t kShown = 32;
  out << "cores busy %:";
  for (std::size_t c = 0; c < s.per_core.size() && c < kShown; ++c) out << " " << fixed(100 * s.per_core[c].busy, "%.0f");
  if (s.per_core.size() > kShown) out << " ... (" << s.per_core.size() - kShown << " more in --json)";
  out << "\n";
  if (s.smt > 1) {
    out << "all siblings busy %:";
    for (std::size_t c = 0; c < s.per_core.size() && c < kShown; ++c)
      out << " " << fixed(100 * s.per_core[c].siblings_busy, "%.0f");
    out << "\n";
  }
}

void write_thread_table(std::ostream& out, const Summary& s, bool per_thread) {
  struct Row {
    std::string label;
    int count = 0;
    std::array<double, kThreadStateCount> seconds{};
    double switches = 0;
    double finish = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, std::size_t> index;
  for (const ThreadSummary& t : s.threads) {
    std::string key = per_thread ? t.process + "/" + t.name : t.group;
    auto [it, inserted] = index.emplace(key, rows.size());
    if (inserted) rows.push_back({key});
    Row& row = rows[it->second];
    ++row.count;
    for (int st = 0; st < kThreadStateCount; ++st) row.seconds[st] += t.seconds[st];
    row.switches += static_cast<double>(t.gil_switches_in);
    row.finish = std::max(row.finish, t.finish);
  }
  std::size_t width = 8;
  for (const Row& r : rows) width = std::max(width, r.label.size() + 2);
  std::vector<ColumnUnit> units;
  for (int st = 0; st <= kThreadStateCount; ++st) {  // the states, then last-finish
    std::vector<double> column;
    for (const Row& r : rows) column.push_back(st < kThreadStateCount ? r.seconds[st] / r.count : r.finish);
    units.push_back(ColumnUnit::for_values(column, 4));
  }
  out << pad(per_thread ? "thread" : "group", width) << pad("threads", 8);
  for (int st = 0; st < kThreadStateCount; ++st) out << pad(state_name(static_cast<ThreadState>(st)), 11);
  out << pad("switches-in", 12) << "last-finish\n";
  for (const Row& r : rows) {
    out << pad(r.label, width) << pad(std::to_string(r.count), 8);
    for (int st = 0; st < kThreadStateCount; ++st) out << pad(units[st].format(r.seconds[st] / r.count), 11);
    out << pad(fixed(r.switches / r.count, "%.1f"), 12) << units[kThreadStateCount].format(r.finish) << "\n";
  }
  if (!per_thread) out << "(per-thread means over each group; --threads lists every thread)\n";
}

// Request latencies, one row per variant and request source: the distribution, the rates, and
// where the mean went. A saturated source is marked with its queue at the last arrival.
void write_latency_table(std::ostream& out, const std::vector<Summary>& variants) {
  std::size_t width = 8, source_width = 8;
  std::vector<double> times, parts;
  for (const Summary& s : variants)
    for (const LatencyStats& l : s.latency) {
      width = std::max(width, variant_label(s).size() + 2);
      source_width = std::max(source_width, l.source.size() + 2);
      times.insert(times.end(), {l.mean, l.p50, l.p90, l.p99, l.p999, l.max});
      parts.insert(parts.end(), l.mean_parts.begin(), l.mean_parts.end());
    }
  if (times.empty()) return;
  const ColumnUnit time_unit = ColumnUnit::for_values(times, 5);
  const ColumnUnit part_unit = ColumnUnit::for_values(parts, 5);
  out << "\n" << pad("variant", width) << pad("requests", source_width) << pad("count", 8);
  for (const char* column : {"mean", "p50", "p90", "p99", "p99.9", "max"}) out << pad(column, 11);
  out << pad("offered/s", 11) << pad("served/s", 11);
  for (int p = 0; p < kRequestPartCount; ++p) {
    std::string name = kRequestPartNames[p];
    std::replace(name.begin(), name.end(), '_', '-');
    out << (p + 1 < kRequestPartCount ? pad(name, 11) : name);
  }
  out << "\n";
  for (const Summary& s : variants)
    for (const LatencyStats& l : s.latency) {
      out << pad(variant_label(s), width) << pad(l.source, source_width) << pad(std::to_string(l.count), 8);
      for (double v : {l.mean, l.p50, l.p90, l.p99, l.p999, l.max}) out << pad(time_unit.format(v), 11);
      // A closed loop offers no rate of its own: its clients send as fast as they are served.
      out << pad(l.clients > 0 ? std::to_string(l.clients) + " clients" : fixed(l.offered, "%.1f"), 11)
          << pad(fixed(l.throughput, "%.1f"), 11);
      for (int p = 0; p < kRequestPartCount; ++p)
        out << (p + 1 < kRequestPartCount ? pad(part_unit.format(l.mean_parts[p]), 11) : part_unit.format(l.mean_parts[p]));
      if (l.saturated)
        out << " <- saturated: " << l.queue_at_last_arrival << " requests still queued at the last arrival";
      if (l.clients > 0)
        out << " <- closed loop: mean think " << short_latency(l.think_mean) << ", clients' throughput "
            << fixed(l.clients_throughput, "%.1f") << "/s (mean = clients / it - think)";
      out << "\n";
    }
  out << "(latency: from arrival to completion; the last columns split the mean: queue (waiting for a handler,\n"
         " or for the event loop to run it), gil-wait, cpu-wait, io (blocking calls, sleeps, awaits), python, other)\n";
}

}  // namespace

void write_report(std::ostream& out, const std::string& file, const std::vector<Summary>& variants,
                  bool per_thread) {
  out << "scenario " << variants.front().scenario << " (" << file << ")\n\n";
  write_variant_table(out, variants);
  write_latency_table(out, variants);
  std::vector<std::pair<std::string, const std::vector<LoopLagStats>*>> lag_rows;
  for (const Summary& s : variants) lag_rows.emplace_back(variant_label(s), &s.loop_lag);
  write_loop_lag_table(out, lag_rows);
  for (const Summary& s : variants) {
    out << "\n[" << variant_label(s) << "] " << s.processes.size() << " process(es), " << s.threads.size()
        << " thread(s); makespan " << format_duration(s.makespan) << ", sequential "
        << format_duration(s.sequential) << "\n";
    write_core_line(out, s);
    write_thread_table(out, s, per_thread);
  }
}

void write_report_json(std::ostream& out, const std::string& file, const std::vector<Summary>& variants) {
  out << "{\n  \"schema_version\": " << kSummarySchemaVersion << ",\n  \"file\": " << json::quote(file)
      << ",\n  \"variants\": [\n";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    variants[i].write_json(out, 4);
    out << (i + 1 < variants.size() ? ",\n" : "\n");
  }
  out << "  ]\n}\n";
}

}  // namespace gilsim
