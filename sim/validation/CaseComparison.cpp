#include "sim/validation/CaseComparison.hpp"

#include <glob.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/trace/OutputPath.hpp"
#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/trace/SvgWriter.hpp"
#include "sim/validation/CaseMetrics.hpp"
#include "sim/validation/CaseSvg.hpp"
#include "sim/validation/HostCheck.hpp"
#include "sim/validation/ModelScale.hpp"
#include "sim/validation/SpanTrace.hpp"

namespace gilsim {
namespace {

std::vector<std::string> files_matching(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  ::globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

std::string number_text(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

// {work.KEY} -> the mean of KEY over the quiet traces (what the program measured alone, or counted).
std::string with_work(const std::string& text, const std::vector<SpanTrace>& traces, const std::string& run) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 6, "{work.") != 0) {
      out += text[i];
      continue;
    }
    const std::size_t close = text.find('}', i);
    const std::string key = text.substr(i + 6, close - i - 6);
    double sum = 0;
    bool counts = true;  // a mean of counts is a count: rounded, as repeat counts must be integers
    for (const SpanTrace& t : traces) {
      auto it = t.work.find(key);
      if (it == t.work.end()) throw ScenarioError(t.file, "run '" + run + "' needs otherData.work." + key + ", which the trace lacks");
      sum += it->second;
      counts &= it->second == std::floor(it->second);
    }
    const double mean = sum / static_cast<double>(traces.size());
    out += number_text(counts ? std::round(mean) : mean);
    i = close;
  }
  return out;
}

// The metrics that apply to `run` and were asked for.
std::vector<const MetricSpec*> metrics_of(const CaseFile& file, const CaseOptions& options, const std::string& run) {
  std::vector<const MetricSpec*> out;
  for (const MetricSpec& m : file.metrics) {
    if (!file.metric_applies(m, run)) continue;
    if (!options.metrics.empty() && std::find(options.metrics.begin(), options.metrics.end(), m.name) == options.metrics.end())
      continue;
    out.push_back(&m);
  }
  return out;
}

Scenario scenario_of(const CaseFile& file, const CaseRun& run, const std::vector<SpanTrace>& traces, const CaseOptions& options) {
  // An absolute path: a profile given as an override would be relative to the scenario file.
  std::vector<Override> overrides{
      {"machine.profile", std::filesystem::absolute(file.profile).lexically_normal().string(), file.file + ": profile"}};
  for (const std::string& text : run.overrides) {
    Override o = parse_override(with_work(text, traces, run.name));
    o.origin = run.where + ": run '" + run.name + "': --set " + o.key + "=" + o.value;
    overrides.push_back(o);
  }
  for (const std::string& text : options.sets) {
    Override o = parse_override(text);
    o.origin = "--set " + o.key + "=" + o.value;
    overrides.push_back(o);
  }
  std::vector<Scenario> scenarios = load_scenarios(run.scenario, overrides);
  const Scenario* chosen = nullptr;
  std::string known;
  for (const Scenario& s : scenarios) {
    if (s.variant == run.variant) chosen = &s;
    known += (known.empty() ? "" : ", ") + s.variant;
  }
  if (!chosen)
    throw ScenarioError(run.where, "run '" + run.name + "': " + run.scenario + " has no variant '" + run.variant + "' (it has: " + known + ")");
  Scenario scenario = *chosen;
  for (const auto& [path, factor] : options.scales) apply_scale(scenario, path, factor);
  return scenario;
}

// Simulates in a child process (one SimGrid engine per process) and computes the metrics there.
// Returns per metric "ok VALUE" or "error MESSAGE", one per line.
std::vector<std::string> simulate_metrics(const Scenario& scenario, const std::vector<const MetricSpec*>& metrics,
                                          double min_pause, const CaseOptions& options, const std::string& run,
                                          const SpanTrace& first_measured) {
  IsolatedResult r = run_isolated([&] {
    const Timeline timeline = simulate(scenario, options.simgrid_args);
    const SpanTrace simulated = span_trace_of(timeline);
    if (!options.svg.empty()) {
      std::ofstream out(variant_output_path(options.svg, run, true), std::ios::binary);
      write_activity_svg(case_side_by_side(timeline, first_measured), out);
    }
    std::string lines;
    for (const MetricSpec* m : metrics) {
      const MetricValue v = metric_value(*m, Side::Simulated, simulated, min_pause);
      lines += v.ok ? "ok " + number_text(v.value) + "\n" : "error " + v.error + "\n";
    }
    return lines;
  });
  if (!r.ok) throw std::runtime_error("the simulation failed: " + r.output);
  std::vector<std::string> out;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

Comparison compare_metric(const MetricSpec& m, const std::string& run, const std::vector<SpanTrace>& traces, double min_pause,
                          const std::string& simulated_line) {
  Comparison c;
  c.run = run;
  c.metric = m.name;
  c.validates = m.validates;
  c.kind = m.kind;
  c.tolerance = m.tolerance;
  c.resolution = m.resolution;
  if (auto band = m.bands.find(run); band != m.bands.end()) c.band = band->second;
  for (const SpanTrace& t : traces) {
    const MetricValue v = metric_value(m, Side::Measured, t, min_pause);
    if (!v.ok) {
      c.error = "measured (" + t.file + "): " + v.error;
      return c;
    }
    c.measured_values.push_back(v.value);
    c.measured += v.value / static_cast<double>(traces.size());
  }
  if (simulated_line.rfind("ok ", 0) != 0) {
    c.error = "simulated: " + simulated_line.substr(std::min<std::size_t>(6, simulated_line.size()));
    return c;
  }
  c.simulated = std::strtod(simulated_line.c_str() + 3, nullptr);
  c.error_fraction = c.measured != 0 ? c.simulated / c.measured - 1 : 0;
  c.within = std::fabs(c.simulated - c.measured) <= c.tolerance * std::fabs(c.measured) + c.resolution + 1e-12;
  return c;
}

RunReport validate_run(const CaseFile& file, const CaseRun& run, const std::map<std::string, std::string>& profile_host,
                       const CaseOptions& options) {
  RunReport report;
  report.run = run.name;
  const std::vector<const MetricSpec*> metrics = metrics_of(file, options, run.name);
  std::vector<SpanTrace> quiet;
  // Recordings are gzip-compressed (.trace.json.gz); a hand-written trace may be plain.
  std::vector<std::string> paths = files_matching(file.traces + "/" + run.name + ".rep*.trace.json.gz");
  for (std::string& plain : files_matching(file.traces + "/" + run.name + ".rep*.trace.json")) paths.push_back(std::move(plain));
  for (const std::string& path : paths) {
    SpanTrace t = read_span_trace(path);
    if (const auto differ = host_mismatches(profile_host, t.host); !differ.empty()) {
      std::string facts;
      for (const std::string& d : differ) facts += "\n  " + d;
      throw ScenarioError(path, "recorded on another host or interpreter than the profile " + file.profile +
                                    " describes; re-record it, or calibrate this host (README \"The validation suite\"):" + facts);
    }
    if (t.noisy && !options.include_noisy) {
      report.dropped.push_back(path);
      continue;
    }
    report.others_share = std::max(report.others_share, t.others_share);
    report.steal_share = std::max(report.steal_share, t.steal_share);
    report.traces.push_back(path);
    quiet.push_back(std::move(t));
  }
  if (quiet.empty()) {
    report.error = "no quiet measured repetition in " + file.traces + "/" + run.name + ".rep*.trace.json[.gz] (" +
                   std::to_string(report.dropped.size()) + " noisy): record it with scripts/validation record " + file.name;
    return report;
  }
  double min_pause = 0;
  for (const SpanTrace& t : quiet) min_pause = std::max(min_pause, t.min_pause);
  try {
    const Scenario scenario = scenario_of(file, run, quiet, options);
    if (std::fabs(scenario.runtime.gil.switch_interval - quiet.front().switch_interval) > 1e-9)
      report.notes.push_back("simulated with a switch interval of " + number_text(scenario.runtime.gil.switch_interval) +
                             " s, measured with " + number_text(quiet.front().switch_interval) + " s");
    std::vector<std::string> simulated = simulate_metrics(scenario, metrics, min_pause, options, run.name, quiet.front());
    // A latency metric of a run whose scenario has no requests is the case file's mistake: name
    // the metric's place in it, and the scenario that lacks them.
    for (std::size_t i = 0; i < metrics.size() && i < simulated.size(); ++i)
      if (metrics[i]->kind == MetricKind::Latency && scenario.requests.empty())
        simulated[i] = "error " + metrics[i]->where + ": a latency metric needs requests, and the scenario has none " +
                       "(workload.requests): run '" + run.name + "' simulates " + run.scenario +
                       (run.variant.empty() ? "" : " (variant '" + run.variant + "')");
    for (std::size_t i = 0; i < metrics.size(); ++i)
      report.comparisons.push_back(compare_metric(*metrics[i], run.name, quiet, min_pause, i < simulated.size() ? simulated[i] : ""));
  } catch (const std::exception& e) {
    report.error = e.what();
  }
  return report;
}

}  // namespace

bool Comparison::passed() const {
  if (!error.empty()) return false;
  if (band) return error_fraction >= band->low - 1e-12 && error_fraction <= band->high + 1e-12;
  return within;
}

bool RunReport::passed() const {
  return error.empty() && std::all_of(comparisons.begin(), comparisons.end(), [](const Comparison& c) { return c.passed(); });
}

std::vector<RunReport> validate_case(const CaseFile& file, const CaseOptions& options) {
  const std::map<std::string, std::string> profile_host = read_profile_host(file.profile);
  std::vector<RunReport> reports;
  for (const CaseRun& run : file.runs) {
    bool wanted = options.runs.empty();
    for (const std::string& pattern : options.runs) wanted |= pattern_matches(pattern, run.name);
    if (wanted && !metrics_of(file, options, run.name).empty()) reports.push_back(validate_run(file, run, profile_host, options));
  }
  return reports;
}

}  // namespace gilsim
