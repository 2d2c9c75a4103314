#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/timeline/LoopLag.hpp"
#include "sim/timeline/Requests.hpp"
#include "sim/timeline/ThreadStates.hpp"

namespace gilsim {


struct ProcessInfo {
  std::string name;  // "app" or "worker[3]" for replicated processes
};

struct ThreadInfo {
  int process = 0;
  std::string name;   // "worker[2]"
  std::string group;  // "app/worker": the thread spec it was replicated from
  std::vector<std::string> step_labels;  // indexed by StateSpan::step
  std::vector<std::string> step_kinds;   // "cpu", "io", ... (same index)
};

// Step index of a thread's start: from its creation to its first GIL acquisition.
constexpr int kStartStep = -1;

// A thread in one state over [start, end). `step` indexes ThreadInfo::step_labels (or is
// kStartStep) and `iteration` is the step's execution count in this thread (0 the first time:
// the repeat iteration for a step in one repeat).
struct StateSpan {
  int thread;
  ThreadState state;
  int step;
  int64_t iteration;
  double start;
  double end;
};

// One execution of a leaf step by a thread, from when the thread begins it until it can go on
// (for a GIL-releasing step, until it holds the GIL again). docs/trace-format.md.
struct StepSpan {
  int thread;
  int step;
  int64_t iteration;
  double start;
  double end;
};

// A thread's work occupying one hardware-thread slot of a physical core.
struct CoreSpan {
  int core;
  int slot;
  int thread;
  double start;
  double end;
};

// Time a core spent with at least one busy hardware thread, and with all of them busy.
struct CoreOccupancy {
  int running = 0;        // busy hardware threads now
  double since = 0;       // when `running` last changed
  double busy = 0;
  double siblings_busy = 0;
};

// Everything a simulation (or a measured run) produced; writers and the summary read it.
struct Timeline {
  std::string scenario;
  std::string variant;
  int cores = 0;
  int smt = 1;
  double switch_interval = 0;
  std::vector<ProcessInfo> processes;
  std::vector<ThreadInfo> threads;
  std::vector<StateSpan> spans;
  std::vector<StepSpan> step_spans;
  std::vector<CoreSpan> core_spans;
  std::vector<int64_t> gil_switches_in;        // per thread: times it took the GIL from another
  std::vector<int64_t> process_gil_switches;   // per process: CPython's gil->switch_number
  std::vector<double> solo_seconds;            // per thread: its work run alone on one core
  std::vector<double> finish_time;             // per thread
  double end_time = 0;                         // when the last activity ended (joins included)
  std::vector<double> process_ready;           // per process: when its threads could start (0: from the start)
  std::vector<std::string> request_sources;    // workload.requests names, by source index
  std::vector<RequestRecord> requests;         // every served request, in (source, index) order after a run
  std::vector<int64_t> request_clients;        // per source: its closed loop's clients (0: an open loop)
  std::vector<double> request_think_seconds;   // per source: the think times its clients drew, summed
  std::vector<LoopLagRecord> loop_lags;        // per thread that ran an event loop, in the order they first ran one

  // A simulation records every state and core span only if a trace, a plot or a comparison
  // needs them (--trace, --svg, validate); the totals below, which the summary reads, always.
  bool keep_spans = true;
  std::vector<std::array<double, kThreadStateCount>> state_seconds;  // per thread
  std::vector<double> python_seconds;                                // per process
  double pickling_seconds = 0;  // Python time in put/get/consume/feed steps and process pool managers
  double transfer_seconds = 0;  // blocked time in those steps
  double busy_slot_seconds = 0;
  std::vector<CoreOccupancy> core_occupancy;  // per core

  // Sizes the per-thread, per-process and per-core tables from threads, processes and cores.
  void prepare_totals();
  // Forgets processes that never ran (pool workers CPython never started), with their threads;
  // the indices of the others are renumbered.
  void drop_processes(const std::vector<bool>& dropped);
  void add_span(const StateSpan& span);
  void add_core_span(const CoreSpan& span);
  // A core's number of busy hardware threads changed at `now`.
  void set_core_load(int core, int running, double now);
};

}  // namespace gilsim
