#pragma once
#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/MeasuredTrace.hpp"

namespace gilsim {

// Where a thread's time went, as both a simulation and a recorder can tell it: from the step
// spans, with a cpu step split into its GIL runs (python) and the pauses between them
// (gil-wait). A GIL-releasing step's time includes taking the GIL back, which a recorder cannot
// separate. `cpu` is a cpu step's whole time when a side has no GIL runs.
enum class StepState { Python, GilWait, Cpu, Io, Sleep, Native, Lock, Channel, Process, Other };
constexpr int kStepStateCount = 10;
const char* step_state_name(StepState state);
// The state of a step of this kind ("cpu", "io", ...), a cpu step as StepState::Cpu.
StepState step_state_of_kind(const std::string& kind);
using StateSeconds = std::array<double, kStepStateCount>;

using ThreadKey = std::pair<std::string, std::string>;  // (process, thread) instance names

// The GIL as one run (simulated or measured) shows it, from the runs of Python in cpu steps.
// Two runs of a thread with at most `min_pause` between them are one run: a recorder that cannot
// see shorter pauses sees them so, and the simulated side is merged alike.
struct GilActivity {
  std::map<std::string, long long> handovers;              // per process: the GIL went to another thread
  std::map<std::string, std::vector<double>> run_lengths;  // per thread group: uninterrupted runs, seconds
  std::set<std::string> contended_groups;                  // groups with a run that ended in a hand-over
  std::map<ThreadKey, StateSeconds> states;                // per thread
};

// `runs` is nullptr for a side without GIL runs: then only the states are known, with cpu steps
// as StepState::Cpu. `group_of` names a thread's group (the thread spec it was replicated from).
GilActivity gil_activity(const std::vector<TraceStep>& steps, const std::vector<GilRun>* runs, double min_pause,
                         const std::function<std::string(const ThreadKey&)>& group_of);

// The Python spans of a simulated timeline, as a trace of it has them.
std::vector<GilRun> gil_runs_of(const Timeline& timeline);

}  // namespace gilsim
