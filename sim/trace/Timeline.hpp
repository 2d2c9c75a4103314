#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gilsim {

// Wait: blocked on another thread or process (join, and later queues).
enum class ThreadState : uint8_t { Python, GilWait, Io, Native, Sleep, LockWait, Wait };
constexpr int kThreadStateCount = 7;
const char* state_name(ThreadState state);

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
};

}  // namespace gilsim
