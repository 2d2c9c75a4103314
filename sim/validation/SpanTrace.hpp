#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// One named span of a thread: a step of a simulation (name = its label, kind = its kind), or a
// span a validation program stamped (name = kind = what it wrote).
struct NamedSpan {
  std::string process;
  std::string thread;
  std::string name;
  std::string kind;
  double start = 0;  // seconds from the run's start
  double end = 0;
};

// A GIL run (a stretch of Python without a pause) of a thread, with the span it lies in.
struct ThreadRun {
  std::string process;
  std::string thread;
  std::string span_name;
  std::string span_kind;
  double start = 0;
  double end = 0;
};

// A trace as case metrics read it, the same way for both sides (docs/trace-format.md "Program
// traces"): a program's measured trace, or a simulated timeline.
struct SpanTrace {
  std::string file;  // empty for a simulation
  std::map<std::string, std::string> host;  // otherData.host, as text
  std::map<std::string, double> work;       // otherData.work: the program's own measurements
  double switch_interval = 0;
  bool noisy = false;
  double others_share = 0;  // other processes' (nice <= 0) share of the CPUs during the run
  double niced_share = 0;
  double steal_share = 0;
  double min_pause = 0;     // seconds: pauses up to this are inside a run, on both sides
  std::vector<NamedSpan> spans;
  std::vector<ThreadRun> runs;
  // One span per request, from its arrival to its completion: on the measured side the events a
  // program stamped with "cat": "request" (a load generator's send to its reply), on the
  // simulated side gilsim's requests (name = kind = the source's name, process "requests",
  // thread the source). Latency metrics read these; no other metric does.
  std::vector<NamedSpan> requests;
};

// Reads a program trace (otherData.format "spans"); throws ScenarioError naming the file, the
// event and what is wrong.
SpanTrace read_span_trace(const std::string& file);

// The simulated side: every step span and every Python span (as a GIL run) of the timeline.
SpanTrace span_trace_of(const Timeline& timeline);

}  // namespace gilsim
