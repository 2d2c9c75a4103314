#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/GilComparison.hpp"
#include "sim/trace/MeasuredTrace.hpp"
#include "sim/trace/StepKeys.hpp"

namespace gilsim {

struct ValidationTolerances {
  double makespan = 0.05;         // |simulated / measured mean - 1|
  double step_completion = 0.10;  // median of |end difference| / measured makespan
  GilTolerances gil;
};

// A step whose simulated and measured completion differ the most (for diagnosis).
struct StepDeviation {
  std::string key;  // "process/thread step N #iteration (label)"
  double simulated_end = 0;
  double measured_end = 0;
  double error = 0;  // |difference| / measured makespan
};

// The comparison of one simulated variant with its measured repetitions.
struct ValidationReport {
  std::string scenario;
  std::string variant;
  std::string host;
  std::vector<std::string> notes;
  double simulated_makespan = 0;
  std::vector<double> measured_makespans;
  double measured_makespan = 0;  // mean over repetitions
  double makespan_error = 0;     // simulated / measured - 1
  long long matched = 0;
  long long only_simulated = 0;
  long long only_measured = 0;
  std::string mismatch;  // the first step present on one side only, when the trace does not fit
  double completion_median = 0;
  double completion_p95 = 0;
  double start_median = 0;  // median |difference| of thread start completion, seconds
  std::map<std::string, std::pair<double, double>> kind_seconds;  // kind -> (simulated, measured mean)
  std::vector<StepDeviation> worst;
  GilComparison gil;  // hand-overs, run lengths, time per state per thread
  ValidationTolerances tolerances;
  bool makespan_ok = false;
  bool steps_ok = false;
  bool passed() const { return makespan_ok && steps_ok && gil.ok(); }

  void write_text(std::ostream& out) const;
  void write_json(std::ostream& out) const;
};

// The step spans of a simulated timeline in the form traces are read back in.
std::vector<TraceStep> steps_of(const Timeline& timeline);

// Matches the steps of every measured run with the simulation's (the messages of `shared`
// consume loops per channel, see StepKeys.hpp) and compares them, and the GIL.
ValidationReport compare(const Timeline& simulated, const std::vector<MeasuredTrace>& measured,
                         const ValidationTolerances& tolerances, const std::vector<SharedConsumeLoop>& shared = {});

// A timeline with the simulated lanes and, below them, the first measured run's lanes (states
// from step kinds), for a side-by-side SVG.
Timeline side_by_side(const Timeline& simulated, const MeasuredTrace& measured);

}  // namespace gilsim
