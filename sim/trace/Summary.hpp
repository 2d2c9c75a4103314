#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/LatencyStats.hpp"
#include "sim/trace/LoopLagStats.hpp"

namespace gilsim {

struct ThreadSummary {
  std::string process;
  std::string name;
  std::string group;
  std::array<double, kThreadStateCount> seconds{};  // time per ThreadState
  int64_t gil_switches_in = 0;
  double finish = 0;
};

struct CoreSummary {
  double busy = 0;          // fraction of the makespan with at least one sibling busy
  double siblings_busy = 0; // fraction with every SMT sibling busy
};

struct ProcessSummary {
  std::string name;
  int64_t gil_switches = 0;
  // Thread-seconds of Python in the process. With one GIL, / makespan is the share of the run
  // the GIL was held running Python; without one (free-threaded) it may exceed the makespan.
  double python = 0;
};

// The version of the --json summary's layout (README "Outputs"): 2 has snake_case keys only
// ("gil_wait_s"), per-variant state totals and per-process python_s instead of gil_held.
constexpr int kSummarySchemaVersion = 2;

// What the summary table and --json report for one simulated variant.
struct Summary {
  std::string scenario;
  std::string variant;
  int cores = 0;
  int smt = 1;
  double switch_interval = 0;
  double makespan = 0;
  double sequential = 0;  // the same work run alone, one step after another, in one thread
  double speedup = 0;     // sequential / makespan
  double cpu_utilisation = 0;  // busy hardware threads / all hardware threads, over the makespan
  int64_t gil_switches = 0;
  double startup = 0;   // when the last process started by a parent was ready to run
  double pickling = 0;  // thread-seconds of Python moving objects: pickling, unpickling, queue ops
  double transfer = 0;  // thread-seconds writing to pipes
  double wall_seconds = 0;  // host time the simulation took
  std::vector<CoreSummary> per_core;
  std::vector<ProcessSummary> processes;
  std::vector<ThreadSummary> threads;
  std::vector<LatencyStats> latency;  // per source of workload.requests (none without requests)
  std::vector<LoopLagStats> loop_lag;  // per thread that ran an event loop (none without asyncio)

  double state_total(ThreadState state) const;
  static Summary from_timeline(const Timeline& timeline);
  void write_json(std::ostream& out, int indent = 0) const;
  static Summary from_json(const YAML::Node& node);
};

}  // namespace gilsim
