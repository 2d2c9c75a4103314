#pragma once
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/validation/CaseFile.hpp"

namespace gilsim {

// One metric of one run: simulated against the mean of the quiet measured repetitions.
struct Comparison {
  std::string run;
  std::string metric;
  std::string validates;
  MetricKind kind = MetricKind::Makespan;
  std::string error;  // why it could not be computed: a failure whatever its band
  std::vector<double> measured_values;  // one per quiet repetition
  double measured = 0;                  // their mean
  double simulated = 0;
  double error_fraction = 0;  // simulated / measured - 1
  double tolerance = 0;
  double resolution = 0;
  bool within = false;  // |simulated - measured| <= tolerance x |measured| + resolution
  std::optional<PinnedBand> band;
  bool passed() const;
};

struct RunReport {
  std::string run;
  std::vector<std::string> traces;   // the quiet repetitions compared
  std::vector<std::string> dropped;  // noisy repetitions, never averaged in
  double others_share = 0;           // the largest other-process share among the quiet ones
  double steal_share = 0;
  std::vector<std::string> notes;
  std::string error;  // traces missing or unreadable, or the simulation failed
  std::vector<Comparison> comparisons;
  bool passed() const;
};

struct CaseOptions {
  std::vector<std::string> runs;     // run name patterns (all when empty)
  std::vector<std::string> metrics;  // metric names (all when empty)
  std::vector<std::pair<std::string, double>> scales;  // a deliberately wrong model (ModelScale)
  std::vector<std::string> sets;     // --set KEY=VALUE on every run, after the run's own (another model)
  std::string svg;                   // per run: PATH with the run's name before the extension
  std::vector<std::string> simgrid_args;
  bool include_noisy = false;  // diagnosis only: average noisy repetitions in too
};

// Validates the selected runs of a case. Throws ScenarioError on bad input that concerns the
// whole case (a trace from another host than the profile); a run's own failures are in its report.
std::vector<RunReport> validate_case(const CaseFile& file, const CaseOptions& options);

void write_case_text(const CaseFile& file, const std::vector<RunReport>& reports, std::ostream& out);
void write_case_json(const CaseFile& file, const std::vector<RunReport>& reports, std::ostream& out);

}  // namespace gilsim
