#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/GilActivity.hpp"
#include "sim/trace/MeasuredTrace.hpp"

namespace gilsim {

// Hand-overs within this many of each other agree whatever the tolerance: whether the GIL
// changes hands once more at a thread's start or end depends on start-up order.
constexpr long long kHandoverSlack = 2;

struct GilTolerances {
  double handovers = 0.10;   // |simulated - measured| <= this x measured + kHandoverSlack, per process
  double run_length = 0.10;  // |simulated - measured| median run <= this x measured + the pause resolution
};

// GIL hand-overs of one process: a run of Python by one thread followed by another thread's.
struct HandoverComparison {
  std::string process;
  long long simulated = 0;
  double measured = 0;  // mean over the measured runs
  double error = 0;     // simulated / measured - 1 (0 when measured is 0)
  bool ok = true;
};

// The lengths of the uninterrupted GIL runs of one thread group, pooled over its threads (and
// over the measured runs).
struct RunLengthComparison {
  std::string group;
  long long simulated_runs = 0;
  long long measured_runs = 0;
  double simulated_median = 0;
  double simulated_p95 = 0;
  double measured_median = 0;
  double measured_p95 = 0;
  double error = 0;      // simulated / measured median - 1
  bool checked = false;  // some of its runs ended in a hand-over; otherwise they are just its steps
  bool ok = true;
};

// Where one thread's time went (GilActivity states), simulated vs the mean of the measured runs
// that recorded it.
struct ThreadStateComparison {
  std::string process;
  std::string thread;
  StateSeconds simulated{};
  StateSeconds measured{};
};

// The GIL and thread-state part of a validation report.
struct GilComparison {
  bool available = false;   // every measured run has GIL runs
  std::string unavailable;  // why not
  double min_pause = 0;     // seconds: pauses up to this are inside a run, on both sides
  GilTolerances tolerances;
  std::vector<HandoverComparison> handovers;
  std::vector<RunLengthComparison> run_lengths;
  std::vector<ThreadStateComparison> states;
  bool ok() const;

  void write_text(std::ostream& out) const;
  void write_json(std::ostream& out) const;
};

GilComparison compare_gil(const Timeline& simulated, const std::vector<TraceStep>& simulated_steps,
                          const std::vector<MeasuredTrace>& measured, const GilTolerances& tolerances);

// Nearest-rank percentile of an unsorted sample (0 when empty).
double percentile(std::vector<double> values, double p);

}  // namespace gilsim
