#include "sim/trace/ValidationSvg.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/trace/GilActivity.hpp"
#include "sim/trace/ReportFormat.hpp"
#include "sim/trace/StateStyle.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

using Runs = std::map<ThreadKey, std::vector<std::pair<double, double>>>;

Runs runs_by_thread(const std::vector<GilRun>& runs) {
  Runs by_thread;
  for (const GilRun& r : runs) by_thread[{r.process, r.thread}].emplace_back(r.start, r.end);
  for (auto& [key, list] : by_thread) std::sort(list.begin(), list.end());
  return by_thread;
}

// One side's stretches for one thread: each step in its state; a cpu step split into its GIL
// runs and the pauses between them when `runs` is given.
std::vector<TimedRun> side_runs(std::vector<const TraceStep*> steps, const std::vector<std::pair<double, double>>* runs) {
  std::sort(steps.begin(), steps.end(), [](const TraceStep* a, const TraceStep* b) {
    return std::tie(a->start, a->end, a->step) < std::tie(b->start, b->end, b->step);
  });
  std::vector<TimedRun> out;
  std::size_t from = 0;
  for (const TraceStep* s : steps) {
    const StepState state = step_state_of_kind(s->kind);
    if (state != StepState::Cpu || !runs) {
      out.push_back({static_cast<int>(state), s->start, s->end});
      continue;
    }
    while (from < runs->size() && (*runs)[from].second <= s->start) ++from;
    double at = s->start;
    for (std::size_t i = from; i < runs->size() && (*runs)[i].first < s->end; ++i) {
      const double a = std::max(at, (*runs)[i].first), b = std::min(s->end, (*runs)[i].second);
      if (b <= a) continue;
      if (a > at) out.push_back({static_cast<int>(StepState::GilWait), at, a});
      out.push_back({static_cast<int>(StepState::Python), a, b});
      at = b;
    }
    if (at < s->end) out.push_back({static_cast<int>(StepState::GilWait), at, s->end});
  }
  return out;
}

std::string verdict(bool ok) { return ok ? "ok" : "outside the tolerance"; }

std::vector<std::string> report_lines(const ValidationReport& r) {
  std::vector<std::string> lines;
  lines.push_back("makespan: simulated " + format_duration(r.simulated_makespan) + ", measured " +
                  format_duration(r.measured_makespan) + " (mean of " + std::to_string(r.measured_makespans.size()) +
                  " run(s)): error " + signed_percent(r.makespan_error) + ", tolerance " +
                  unsigned_percent(r.tolerances.makespan) + ": " + verdict(r.makespan_ok));
  lines.push_back("step completion: median error " + unsigned_percent(r.completion_median) + ", p95 " +
                  unsigned_percent(r.completion_p95) + " of the measured makespan, tolerance " +
                  unsigned_percent(r.tolerances.step_completion) + ": " + verdict(r.steps_ok));
  if (!r.gil.available) {
    lines.push_back("GIL: not compared (" + r.gil.unavailable + ")");
  } else {
    std::string handovers = "GIL hand-overs:";
    for (const HandoverComparison& h : r.gil.handovers)
      handovers += " " + h.process + " " + std::to_string(h.simulated) + " vs " + one_decimal(h.measured) + " (" +
                   signed_percent(h.error) + ")" + (h.ok ? "" : " outside the tolerance");
    lines.push_back(handovers);
  }
  lines.push_back(std::string("verdict: ") + (r.passed() ? "PASS, within every tolerance" : "FAIL"));
  return lines;
}

}  // namespace

ActivityPanel validation_panel(const Timeline& simulated, const MeasuredTrace& measured, const ValidationReport& report) {
  ActivityPanel panel;
  panel.title = "validate " + (simulated.scenario.empty() ? std::string("gilsim") : simulated.scenario) +
                (simulated.variant.empty() ? "" : " (" + simulated.variant + ")") + ": simulated vs measured";
  const std::size_t runs = report.measured_makespans.size();
  panel.subtitle = "measured lanes: " + measured.file + (runs > 1 ? " (the first of " + std::to_string(runs) + " runs)" : "") +
                   (measured.host_summary.empty() ? "" : " on " + measured.host_summary) +
                   (measured.has_gil_runs ? "" : "; it has no GIL runs, so cpu steps are not split on either side");
  for (int s = 0; s < kStepStateCount; ++s) {
    const StateStyle style = step_state_style(static_cast<StepState>(s));
    panel.styles.push_back({style.name, style.colour, true});
  }
  const std::vector<TraceStep> sim_steps = steps_of(simulated);
  const Runs sim_runs = runs_by_thread(gil_runs_of(simulated));
  const Runs measured_runs = runs_by_thread(measured.gil_runs);
  const bool split = measured.has_gil_runs;

  // Threads in the simulation's order, then any only the measured run has.
  std::vector<ThreadKey> order;
  std::map<ThreadKey, std::pair<std::vector<const TraceStep*>, std::vector<const TraceStep*>>> steps;
  const auto add = [&](const TraceStep& s, bool sim) {
    if (s.step == kStartStep) return;
    const ThreadKey key{s.process, s.thread};
    auto [it, inserted] = steps.try_emplace(key);
    if (inserted) order.push_back(key);
    (sim ? it->second.first : it->second.second).push_back(&s);
  };
  for (const TraceStep& s : sim_steps) add(s, true);
  for (const TraceStep& s : measured.steps) add(s, false);
  constexpr std::size_t kMaxThreads = 32;  // two lanes each
  if (order.size() > kMaxThreads) {
    panel.hidden_threads = order.size() - kMaxThreads;
    order.resize(kMaxThreads);
  }
  double last = 0;
  static const std::vector<std::pair<double, double>> kNoRuns;
  for (const ThreadKey& key : order) {
    const auto sim_found = sim_runs.find(key);
    const auto measured_found = measured_runs.find(key);
    PanelLane sim{"simulated " + key.first + "/" + key.second, -1, false,
                  side_runs(steps[key].first, split ? (sim_found == sim_runs.end() ? &kNoRuns : &sim_found->second) : nullptr)};
    PanelLane real{"measured " + key.first + "/" + key.second, -1, false,
                   side_runs(steps[key].second,
                             split ? (measured_found == measured_runs.end() ? &kNoRuns : &measured_found->second) : nullptr)};
    for (const PanelLane* lane : {&sim, &real})
      for (const TimedRun& r : lane->runs) last = std::max(last, r.end);
    panel.lanes.push_back(std::move(sim));
    panel.lanes.push_back(std::move(real));
  }
  panel.start = 0;
  panel.end = last > 0 ? last : 1e-3;
  panel.notes = report_lines(report);
  reduce_lanes(panel, 1000);
  return panel;
}

}  // namespace gilsim
