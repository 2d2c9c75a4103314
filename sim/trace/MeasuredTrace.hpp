#pragma once
#include <istream>
#include <string>
#include <vector>

namespace gilsim {

// One step span of a trace (docs/trace-format.md), identified by process, thread, step index
// and iteration. step == -1 is the thread's start.
struct TraceStep {
  std::string process;
  std::string thread;
  int step = 0;
  long long iteration = 0;
  std::string kind;
  std::string label;
  double start = 0;  // seconds
  double end = 0;
};

// A stretch in which a thread ran Python without pausing (a GIL run), inside one of its steps:
// a "python" state span of the trace.
struct GilRun {
  std::string process;
  std::string thread;
  int step = 0;
  long long iteration = 0;
  double start = 0;  // seconds
  double end = 0;
};

// A trace read back from disk: usually a measured run of real CPython (scripts/record.py), but
// any trace in gilsim's format reads the same way.
struct MeasuredTrace {
  std::string file;
  std::string source;  // "measured" or "simulated"
  std::string scenario;
  std::string variant;
  int cores = 0;
  int smt = 0;
  double switch_interval = 0;
  std::string host_summary;  // e.g. "Intel Xeon, 2 cores x 1, CPython 3.11.2"
  std::vector<TraceStep> steps;
  // GIL runs: every python span of a simulated trace, or the recorder's runs of cpu steps
  // (otherData.gil_runs). Traces recorded before the recorder detected them have none.
  bool has_gil_runs = false;
  double gil_min_pause = 0;  // seconds: shorter pauses inside a run are not detected
  std::vector<GilRun> gil_runs;

  double makespan() const;  // latest step end
};

// Reads and checks a trace file; throws ScenarioError naming the file and what is wrong. The
// file is read one event at a time (JsonStreamReader.hpp), at most 1 GiB and 10^7 step spans.
MeasuredTrace read_trace(const std::string& file);
// The same from a stream, `file` naming it in messages: the fuzz target's entry point.
MeasuredTrace read_trace(std::istream& in, const std::string& file);

}  // namespace gilsim
