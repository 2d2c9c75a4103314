#include "sim/trace/Validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>
#include <unordered_map>

#include "sim/trace/ReportFormat.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

ThreadState state_for_kind(const std::string& kind) {
  if (kind == "cpu") return ThreadState::Python;
  if (kind == "io") return ThreadState::Io;
  if (kind == "native") return ThreadState::Native;
  if (kind == "sleep") return ThreadState::Sleep;
  return ThreadState::GilWait;  // "start": waiting to run
}

}  // namespace

std::vector<TraceStep> steps_of(const Timeline& timeline) {
  std::vector<TraceStep> steps;
  steps.reserve(timeline.step_spans.size());
  for (const StepSpan& span : timeline.step_spans) {
    const ThreadInfo& thread = timeline.threads[span.thread];
    const bool start = span.step == kStartStep;
    steps.push_back({timeline.processes[thread.process].name, thread.name, span.step, span.iteration,
                     start ? "start" : thread.step_kinds[span.step], start ? "start" : thread.step_labels[span.step],
                     span.start, span.end});
  }
  return steps;
}

ValidationReport compare(const Timeline& simulated, const std::vector<MeasuredTrace>& measured,
                         const ValidationTolerances& tolerances, const std::vector<SharedConsumeLoop>& shared) {
  ValidationReport r;
  r.scenario = simulated.scenario;
  r.variant = simulated.variant;
  r.tolerances = tolerances;
  if (!measured.empty()) r.host = measured.front().host_summary;

  const std::vector<TraceStep> sim_steps = steps_of(simulated);
  const std::vector<StepKey> sim_keys = step_keys(sim_steps, shared);
  std::unordered_map<std::string, const TraceStep*> by_key;
  for (std::size_t i = 0; i < sim_steps.size(); ++i) {
    const TraceStep& s = sim_steps[i];
    by_key[sim_keys[i].key] = &s;
    r.simulated_makespan = std::max(r.simulated_makespan, s.end);
    if (s.step != kStartStep) r.kind_seconds[s.kind].first += s.end - s.start;
  }

  std::vector<double> completion;
  std::vector<double> start_errors;
  std::vector<StepDeviation> deviations;
  for (const MeasuredTrace& trace : measured) {
    const double makespan = trace.makespan();
    r.measured_makespans.push_back(makespan);
    std::set<std::string> threads;  // the threads this trace recorded
    for (const TraceStep& m : trace.steps) threads.insert(m.process + '\x1f' + m.thread);
    std::set<std::string> found;
    const std::vector<StepKey> keys = step_keys(trace.steps, shared);
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
      const TraceStep& m = trace.steps[i];
      if (m.step != kStartStep) r.kind_seconds[m.kind].second += (m.end - m.start) / static_cast<double>(measured.size());
      auto it = by_key.find(keys[i].key);
      if (it == by_key.end()) {
        if (r.only_measured++ == 0 && r.mismatch.empty())
          r.mismatch = trace.file + " has " + keys[i].description + ", which the simulation does not";
        continue;
      }
      found.insert(keys[i].key);
      const double difference = std::fabs(it->second->end - m.end);
      if (m.step == kStartStep) {
        start_errors.push_back(difference);
        continue;
      }
      ++r.matched;
      const double error = makespan > 0 ? difference / makespan : 0;
      completion.push_back(error);
      if (error > 1e-6) deviations.push_back({keys[i].description, it->second->end, m.end, error});
    }
    // Threads only the simulation has (a multiprocessing.Queue's feeder, an executor's workers)
    // are internals a recorder cannot see; a recorded thread must have every step, though.
    std::set<std::string> unseen;
    for (std::size_t i = 0; i < sim_steps.size(); ++i) {
      const TraceStep& s = sim_steps[i];
      if (found.count(sim_keys[i].key)) continue;
      if (!threads.count(s.process + '\x1f' + s.thread)) {
        unseen.insert(s.process + "/" + s.thread);
        continue;
      }
      if (r.only_simulated++ == 0 && r.mismatch.empty())
        r.mismatch = trace.file + " misses " + sim_keys[i].description + ", which the simulation has";
    }
    if (!unseen.empty() && &trace == &measured.front()) {
      std::string names;
      for (const auto& n : unseen) names += (names.empty() ? "" : ", ") + n;
      r.notes.push_back("threads only simulated (not recorded): " + names);
    }
  }
  for (double m : r.measured_makespans) r.measured_makespan += m / static_cast<double>(r.measured_makespans.size());
  r.makespan_error = r.measured_makespan > 0 ? r.simulated_makespan / r.measured_makespan - 1 : 0;
  r.completion_median = percentile(completion, 0.5);
  r.completion_p95 = percentile(completion, 0.95);
  r.start_median = percentile(start_errors, 0.5);
  std::sort(deviations.begin(), deviations.end(),
            [](const StepDeviation& a, const StepDeviation& b) { return std::tie(b.error, a.key) < std::tie(a.error, b.key); });
  if (deviations.size() > 5) deviations.resize(5);
  r.worst = deviations;


  std::map<std::string, std::set<std::string>> consumers;  // shared channel -> its consumer threads
  for (const SharedConsumeLoop& l : shared) consumers[l.channel].insert(l.process + "/" + l.thread);
  for (const auto& [channel, threads] : consumers)
    r.notes.push_back("channel " + channel + " has " + std::to_string(threads.size()) +
                      " consumer threads: its messages are matched in the order they were received, not by consumer");
  if (!measured.empty() && measured.front().cores > 0 && measured.front().cores != simulated.cores)
    r.notes.push_back("simulated on " + std::to_string(simulated.cores) + " cores, measured on a host with " +
                      std::to_string(measured.front().cores) + " (use the host's machine profile)");
  if (!measured.empty() && measured.front().switch_interval > 0 &&
      std::fabs(measured.front().switch_interval - simulated.switch_interval) > 1e-9)
    r.notes.push_back("the switch intervals differ: simulated " + format_duration(simulated.switch_interval) +
                      ", measured " + format_duration(measured.front().switch_interval));
  r.gil = compare_gil(simulated, sim_steps, measured, tolerances.gil);
  r.makespan_ok = std::fabs(r.makespan_error) <= tolerances.makespan;
  r.steps_ok = r.matched > 0 && r.completion_median <= tolerances.step_completion;
  return r;
}

void ValidationReport::write_text(std::ostream& out) const {
  out << "validate " << scenario << (variant.empty() ? "" : " [" + variant + "]") << " against "
      << measured_makespans.size() << " measured run(s)" << (host.empty() ? "" : " on " + host) << "\n";
  double low = measured_makespans.empty() ? 0 : *std::min_element(measured_makespans.begin(), measured_makespans.end());
  double high = measured_makespans.empty() ? 0 : *std::max_element(measured_makespans.begin(), measured_makespans.end());
  out << "  makespan         simulated " << format_duration(simulated_makespan) << ", measured "
      << format_duration(measured_makespan) << " (" << format_duration(low) << ".." << format_duration(high)
      << "), error " << signed_percent(makespan_error) << " (tolerance " << unsigned_percent(tolerances.makespan) << "): "
      << (makespan_ok ? "ok" : "FAIL") << "\n";
  out << "  step completion  |simulated - measured end| / measured makespan: median "
      << unsigned_percent(completion_median) << ", p95 " << unsigned_percent(completion_p95) << " (tolerance: median "
      << unsigned_percent(tolerances.step_completion) << "): " << (steps_ok ? "ok" : "FAIL") << "\n";
  out << "  steps            " << matched << " matched, " << only_simulated << " simulated only, " << only_measured
      << " measured only; thread start: median difference " << format_duration(start_median) << "\n";
  out << "  time per kind    (thread-seconds, simulated vs measured)";
  for (const auto& [kind, seconds] : kind_seconds)
    out << "  " << kind << " " << format_duration(seconds.first) << " vs " << format_duration(seconds.second);
  out << "\n";
  gil.write_text(out);
  for (const StepDeviation& d : worst)
    out << "  worst step       " << d.key << ": simulated end " << format_duration(d.simulated_end) << ", measured "
        << format_duration(d.measured_end) << " (" << unsigned_percent(d.error) << ")\n";
  for (const std::string& note : notes) out << "  note: " << note << "\n";
  out << "  result: " << (passed() ? "PASS" : "FAIL") << "\n";
}

void ValidationReport::write_json(std::ostream& out) const {
  out << "{\"scenario\": " << json::quote(scenario) << ", \"variant\": " << json::quote(variant)
      << ", \"host\": " << json::quote(host) << ", \"passed\": " << (passed() ? "true" : "false")
      << ",\n \"makespan\": {\"simulated_s\": " << json::seconds(simulated_makespan)
      << ", \"measured_mean_s\": " << json::seconds(measured_makespan) << ", \"measured_s\": [";
  for (std::size_t i = 0; i < measured_makespans.size(); ++i) out << (i ? ", " : "") << json::seconds(measured_makespans[i]);
  out << "], \"error\": " << json::number(makespan_error) << ", \"tolerance\": " << json::number(tolerances.makespan)
      << ", \"ok\": " << (makespan_ok ? "true" : "false") << "},\n \"step_completion\": {\"median\": "
      << json::number(completion_median) << ", \"p95\": " << json::number(completion_p95)
      << ", \"tolerance\": " << json::number(tolerances.step_completion) << ", \"ok\": " << (steps_ok ? "true" : "false")
      << ", \"matched\": " << matched << ", \"simulated_only\": " << only_simulated
      << ", \"measured_only\": " << only_measured << ", \"thread_start_median_s\": " << json::seconds(start_median)
      << "},\n \"kind_seconds\": {";
  bool first = true;
  for (const auto& [kind, seconds] : kind_seconds) {
    out << (first ? "" : ", ") << json::quote(kind) << ": {\"simulated\": " << json::seconds(seconds.first)
        << ", \"measured\": " << json::seconds(seconds.second) << "}";
    first = false;
  }
  out << "},\n \"worst_steps\": [";
  for (std::size_t i = 0; i < worst.size(); ++i)
    out << (i ? ", " : "") << "{\"step\": " << json::quote(worst[i].key) << ", \"simulated_end_s\": "
        << json::seconds(worst[i].simulated_end) << ", \"measured_end_s\": " << json::seconds(worst[i].measured_end)
        << ", \"error\": " << json::number(worst[i].error) << "}";
  out << "],\n \"gil\": ";
  gil.write_json(out);
  out << ",\n \"notes\": [";
  for (std::size_t i = 0; i < notes.size(); ++i) out << (i ? ", " : "") << json::quote(notes[i]);
  out << "]}";
}

Timeline side_by_side(const Timeline& simulated, const MeasuredTrace& measured) {
  Timeline t = simulated;
  t.core_spans.clear();
  for (ProcessInfo& p : t.processes) p.name = "sim " + p.name;
  std::map<std::pair<std::string, std::string>, int> lanes;
  for (const TraceStep& s : measured.steps) {
    auto [it, inserted] = lanes.emplace(std::make_pair(s.process, s.thread), static_cast<int>(t.threads.size()));
    if (inserted) {
      t.processes.push_back({"measured " + s.process});
      ThreadInfo info;
      info.process = static_cast<int>(t.processes.size()) - 1;
      info.name = s.thread;
      info.group = "measured";
      t.threads.push_back(info);
    }
    t.spans.push_back({it->second, state_for_kind(s.kind), s.step, s.iteration, s.start, s.end});
  }
  return t;
}

}  // namespace gilsim
