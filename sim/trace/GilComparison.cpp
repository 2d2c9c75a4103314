#include "sim/trace/GilComparison.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/trace/ReportFormat.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

// Names every thread's group as the simulation does (the thread spec it was replicated from).
class Groups {
 public:
  explicit Groups(const Timeline& timeline) {
    for (const ThreadInfo& t : timeline.threads) {
      const ThreadKey key{timeline.processes[t.process].name, t.name};
      const std::string group = t.group.empty() ? key.first + "/" + key.second : t.group;
      groups_.emplace(key, group);
      if (std::find(order_.begin(), order_.end(), group) == order_.end()) order_.push_back(group);
    }
  }
  std::string operator()(const ThreadKey& thread) const {
    auto it = groups_.find(thread);
    return it != groups_.end() ? it->second : thread.first + "/" + thread.second;
  }
  const std::vector<std::string>& in_order() const { return order_; }

 private:
  std::map<ThreadKey, std::string> groups_;
  std::vector<std::string> order_;
};

std::vector<HandoverComparison> compare_handovers(const Timeline& timeline, const GilActivity& simulated,
                                                  const std::vector<GilActivity>& measured, const GilTolerances& tolerances) {
  std::vector<HandoverComparison> out;
  for (const ProcessInfo& p : timeline.processes) {
    HandoverComparison c{p.name};
    bool seen = false;
    if (auto it = simulated.handovers.find(p.name); it != simulated.handovers.end()) {
      c.simulated = it->second;
      seen = true;
    }
    for (const GilActivity& m : measured) {
      if (auto it = m.handovers.find(p.name); it != m.handovers.end()) {
        c.measured += static_cast<double>(it->second) / static_cast<double>(measured.size());
        seen = true;
      }
    }
    if (!seen) continue;  // no Python in cpu steps on either side
    const double difference = std::fabs(static_cast<double>(c.simulated) - c.measured);
    c.error = c.measured > 0 ? static_cast<double>(c.simulated) / c.measured - 1 : 0;
    c.ok = difference <= tolerances.handovers * c.measured + static_cast<double>(kHandoverSlack) + 1e-9;
    out.push_back(c);
  }
  return out;
}

std::vector<RunLengthComparison> compare_run_lengths(const Groups& groups, const GilActivity& simulated,
                                                     const std::vector<GilActivity>& measured, double min_pause,
                                                     const GilTolerances& tolerances) {
  std::vector<RunLengthComparison> out;
  for (const std::string& group : groups.in_order()) {
    RunLengthComparison c{group};
    std::vector<double> sim_lengths;
    if (auto it = simulated.run_lengths.find(group); it != simulated.run_lengths.end()) sim_lengths = it->second;
    std::vector<double> measured_lengths;
    c.checked = simulated.contended_groups.count(group) > 0;
    for (const GilActivity& m : measured) {
      if (auto it = m.run_lengths.find(group); it != m.run_lengths.end())
        measured_lengths.insert(measured_lengths.end(), it->second.begin(), it->second.end());
      c.checked |= m.contended_groups.count(group) > 0;
    }
    if (sim_lengths.empty() && measured_lengths.empty()) continue;
    c.simulated_runs = static_cast<long long>(sim_lengths.size());
    c.measured_runs = static_cast<long long>(measured_lengths.size());
    c.simulated_median = percentile(sim_lengths, 0.5);
    c.simulated_p95 = percentile(sim_lengths, 0.95);
    c.measured_median = percentile(measured_lengths, 0.5);
    c.measured_p95 = percentile(measured_lengths, 0.95);
    c.error = c.measured_median > 0 ? c.simulated_median / c.measured_median - 1 : 0;
    const double difference = std::fabs(c.simulated_median - c.measured_median);
    c.ok = !c.checked || difference <= tolerances.run_length * c.measured_median + min_pause + 1e-12;
    out.push_back(c);
  }
  return out;
}

std::vector<ThreadStateComparison> compare_states(const Timeline& timeline, const GilActivity& simulated,
                                                  const std::vector<GilActivity>& measured) {
  std::vector<ThreadStateComparison> out;
  for (const ThreadInfo& t : timeline.threads) {
    ThreadStateComparison c{timeline.processes[t.process].name, t.name};
    const ThreadKey key{c.process, c.thread};
    int recorded = 0;
    for (const GilActivity& m : measured) {
      auto it = m.states.find(key);
      if (it == m.states.end()) continue;
      ++recorded;
      for (int s = 0; s < kStepStateCount; ++s) c.measured[s] += it->second[s];
    }
    if (recorded == 0) continue;  // a thread the recorder cannot see
    for (double& seconds : c.measured) seconds /= recorded;
    if (auto it = simulated.states.find(key); it != simulated.states.end()) c.simulated = it->second;
    out.push_back(c);
  }
  return out;
}

void write_handovers_text(const GilComparison& c, std::ostream& out) {
  out << "  GIL hand-overs   per process, simulated vs measured (tolerance " << unsigned_percent(c.tolerances.handovers)
      << " + " << kHandoverSlack << "):";
  for (const HandoverComparison& h : c.handovers)
    out << "  " << h.process << " " << h.simulated << " vs " << one_decimal(h.measured)
        << (h.measured > 0 ? " (" + signed_percent(h.error) + ")" : "") << (h.ok ? "" : " FAIL");
  out << ": " << (std::all_of(c.handovers.begin(), c.handovers.end(), [](const auto& h) { return h.ok; }) ? "ok" : "FAIL")
      << "\n";
}

void write_run_lengths_text(const GilComparison& c, std::ostream& out) {
  out << "  GIL run lengths  per thread group, median / p95, simulated vs measured (tolerance: median "
      << unsigned_percent(c.tolerances.run_length) << " + " << format_duration(c.min_pause)
      << ", where the GIL changes hands)\n";
  for (const RunLengthComparison& r : c.run_lengths) {
    out << "    " << r.group << ": " << format_duration(r.simulated_median) << " / " << format_duration(r.simulated_p95)
        << " vs " << format_duration(r.measured_median) << " / " << format_duration(r.measured_p95) << " ("
        << signed_percent(r.error) << "; " << r.simulated_runs << " vs " << r.measured_runs << " runs): "
        << (!r.checked ? "not checked (no hand-overs: the runs are its steps)" : r.ok ? "ok" : "FAIL") << "\n";
  }
}

void write_states_text(const GilComparison& c, std::ostream& out) {
  out << "  time per state   per thread, simulated vs measured (mean)\n";
  for (const ThreadStateComparison& t : c.states) {
    out << "    " << t.process << "/" << t.thread << ":";
    for (int s = 0; s < kStepStateCount; ++s)
      if (t.simulated[s] > 0 || t.measured[s] > 0)
        out << "  " << step_state_name(static_cast<StepState>(s)) << " " << format_duration(t.simulated[s]) << " vs "
            << format_duration(t.measured[s]);
    out << "\n";
  }
}

void write_states_json(const StateSeconds& seconds, const StateSeconds& other, std::ostream& out) {
  out << "{";
  bool first = true;
  for (int s = 0; s < kStepStateCount; ++s) {
    if (seconds[s] <= 0 && other[s] <= 0) continue;
    out << (first ? "" : ", ") << json::quote(step_state_name(static_cast<StepState>(s))) << ": "
        << json::seconds(seconds[s]);
    first = false;
  }
  out << "}";
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

bool GilComparison::ok() const {
  return std::all_of(handovers.begin(), handovers.end(), [](const auto& h) { return h.ok; }) &&
         std::all_of(run_lengths.begin(), run_lengths.end(), [](const auto& r) { return r.ok; });
}

GilComparison compare_gil(const Timeline& simulated, const std::vector<TraceStep>& simulated_steps,
                          const std::vector<MeasuredTrace>& measured, const GilTolerances& tolerances) {
  GilComparison c;
  c.tolerances = tolerances;
  c.available = !measured.empty();
  for (const MeasuredTrace& m : measured) {
    c.min_pause = std::max(c.min_pause, m.gil_min_pause);
    if (!m.has_gil_runs && c.available) {
      c.available = false;
      c.unavailable = m.file + " has no GIL runs (recorded before scripts/record.py detected them); re-record it "
                               "to compare hand-overs, run lengths, python and gil-wait";
    }
  }
  const Groups groups(simulated);
  const std::vector<GilRun> simulated_runs = gil_runs_of(simulated);
  const GilActivity sim = gil_activity(simulated_steps, c.available ? &simulated_runs : nullptr, c.min_pause, groups);
  std::vector<GilActivity> meas;
  for (const MeasuredTrace& m : measured)
    meas.push_back(gil_activity(m.steps, c.available ? &m.gil_runs : nullptr, c.min_pause, groups));
  if (c.available) {
    c.handovers = compare_handovers(simulated, sim, meas, tolerances);
    c.run_lengths = compare_run_lengths(groups, sim, meas, c.min_pause, tolerances);
  }
  c.states = compare_states(simulated, sim, meas);
  return c;
}

void GilComparison::write_text(std::ostream& out) const {
  if (available) {
    write_handovers_text(*this, out);
    write_run_lengths_text(*this, out);
  } else {
    out << "  GIL runs         comparison unavailable: " << unavailable << "\n";
  }
  write_states_text(*this, out);
}

void GilComparison::write_json(std::ostream& out) const {
  out << "{\"available\": " << (available ? "true" : "false") << ", \"unavailable\": " << json::quote(unavailable)
      << ", \"ok\": " << (ok() ? "true" : "false") << ", \"min_pause_s\": " << json::seconds(min_pause)
      << ", \"tolerances\": {\"handovers\": " << json::number(tolerances.handovers)
      << ", \"handover_slack\": " << kHandoverSlack << ", \"run_length\": " << json::number(tolerances.run_length)
      << "},\n  \"handovers\": [";
  for (std::size_t i = 0; i < handovers.size(); ++i) {
    const HandoverComparison& h = handovers[i];
    out << (i ? ", " : "") << "{\"process\": " << json::quote(h.process) << ", \"simulated\": " << h.simulated
        << ", \"measured\": " << json::number(h.measured, 3) << ", \"error\": " << json::number(h.error)
        << ", \"ok\": " << (h.ok ? "true" : "false") << "}";
  }
  out << "],\n  \"run_lengths\": [";
  for (std::size_t i = 0; i < run_lengths.size(); ++i) {
    const RunLengthComparison& r = run_lengths[i];
    out << (i ? ",\n    " : "") << "{\"group\": " << json::quote(r.group) << ", \"simulated\": {\"runs\": "
        << r.simulated_runs << ", \"median_s\": " << json::seconds(r.simulated_median)
        << ", \"p95_s\": " << json::seconds(r.simulated_p95) << "}, \"measured\": {\"runs\": " << r.measured_runs
        << ", \"median_s\": " << json::seconds(r.measured_median) << ", \"p95_s\": " << json::seconds(r.measured_p95)
        << "}, \"error\": " << json::number(r.error) << ", \"checked\": " << (r.checked ? "true" : "false")
        << ", \"ok\": " << (r.ok ? "true" : "false") << "}";
  }
  out << "],\n  \"thread_states\": [";
  for (std::size_t i = 0; i < states.size(); ++i) {
    const ThreadStateComparison& t = states[i];
    out << (i ? ",\n    " : "") << "{\"process\": " << json::quote(t.process) << ", \"thread\": " << json::quote(t.thread)
        << ", \"simulated\": ";
    write_states_json(t.simulated, t.measured, out);
    out << ", \"measured\": ";
    write_states_json(t.measured, t.simulated, out);
    out << "}";
  }
  out << "]}";
}

}  // namespace gilsim
