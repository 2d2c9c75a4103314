#pragma once
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "sim/sweep/SweepPlan.hpp"
#include "sim/trace/LatencyStats.hpp"
#include "sim/trace/SeededSummary.hpp"

namespace gilsim::sweep {

// Bottleneck thresholds (README, "Sweeps"). Shares are of thread time: the seconds all threads
// spent in any state, summed.
constexpr double kGilBoundShare = 0.30;        // gil-wait share from which a row is GIL-bound
constexpr double kCoresBoundUtilisation = 0.90; // cpu utilisation from which the cores are saturated
constexpr double kOversubscribed = 1.05;       // busy threads / hardware threads: threads queue for a core
constexpr double kIoBoundShare = 0.50;         // io + sleep share from which a row is I/O-bound
constexpr double kStartupBoundShare = 0.30;    // start-up (last process ready) / makespan
constexpr double kTransferBoundRatio = 0.50;   // (pickling + pipe I/O) thread-seconds / makespan
// A step to more cores still "scales" when it gains at least this fraction of the ideal gain
// (speedup x cores ratio): doubling the cores must give at least 1.1x.
constexpr double kScalingGainFraction = 0.10;

// Why a configuration does not run faster. Classified from its summary (see classify()).
enum class Bottleneck { None, Gil, Cores, Io, Parallelism, Startup, Transfer };
const char* bottleneck_name(Bottleneck b);

// The inputs of the classification, from one run's summary.
struct RowMetrics {
  double makespan = 0;
  double sequential = 0;       // the same work run step after step in one thread (gilsim run's speedup baseline)
  double cpu_utilisation = 0;  // busy hardware threads / all hardware threads, over the makespan
  double thread_seconds = 0;   // all states, all threads
  double gil_wait_share = 0;   // gil-wait / thread_seconds
  double io_share = 0;         // (io + sleep) / thread_seconds
  double busy_threads = 0;     // (python + native + cpu-wait) thread-seconds / makespan: threads on or wanting a core
  int hardware_threads = 0;    // cores x smt
  double startup_share = 0;    // when the last started process was ready to run / makespan
  double transfer_ratio = 0;   // (pickling + pipe-write) thread-seconds / makespan
};

// In this order:
//  1. cores:       cpu utilisation >= 90% and more busy threads than 1.05 x hardware threads
//                  (threads queue for a core, whatever else they wait for);
//  2. start-up:    the last process started by a parent is ready only after >= 30% of the
//                  makespan (process start-up: fork, spawn, forkserver);
//  3. transfer:    pickling and pipe I/O take >= 0.5 thread-seconds per second of makespan
//                  (the pool's parent-side handler threads move the data one item at a time);
//  4. GIL:         gil-wait >= 30% of thread time;
//  5. cores:       cpu utilisation >= 90% (every hardware thread busy);
//  6. I/O:         io + sleep >= 50% of thread time;
//  7. parallelism: none of these: hardware threads sit idle and nothing waits, so the workload
//                  has too few runnable threads (or too unequal ones) to use more cores.
Bottleneck classify(const RowMetrics& m);
// The classification's inputs from one run's summary.
RowMetrics metrics_of(const Summary& s);

struct SweepRow {
  const SweepConfig* config = nullptr;
  bool ok = false;
  std::string error;        // the configuration's error, the run's stderr, or "missing: ..."
  RowMetrics metrics;
  double speedup = -1;      // makespan at 1 core / makespan; < 0 when the baseline is missing
  double efficiency = -1;   // speedup / cores
  Bottleneck bottleneck = Bottleneck::None;
  bool best = false;        // lowest makespan among the strategies at these params and cores
  std::vector<LatencyStats> latency;  // per request source, when the scenario has workload.requests
  // With --seeds N: metrics and latency above are means over the N seeds, and these their spread.
  int seeds = 0;
  Spread makespan_spread;
  std::vector<LatencySpread> latency_spread;
  bool tied = false;        // the makespan interval overlaps the best one's at these params and cores
};

struct SweepReport {
  const SweepPlan* plan = nullptr;
  std::vector<SweepRow> rows;            // in plan order: strategy, params, cores
  std::vector<std::string> explanation;  // one sentence per series, then the best strategies
  std::size_t failed = 0;                // rows with an error (invalid, failed or missing)
};

// Reads DIR/runs/<key>.json (or .err) for every configuration and derives everything.
SweepReport build_report(const SweepPlan& plan, const std::string& dir);

void write_csv(std::ostream& out, const SweepReport& report);
void write_json(std::ostream& out, const SweepReport& report);
void write_table(std::ostream& out, const SweepReport& report);
void write_explanation(std::ostream& out, const SweepReport& report);

}  // namespace gilsim::sweep
