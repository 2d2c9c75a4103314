#pragma once
#include <ostream>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Draws exported per thread at most (`gilsim export --layout`): the recorder's own limit on step
// executions (scripts/recorder/common.py MAX_STEP_EXECUTIONS). A thread that may draw more gets
// its count and no draws, and the recorder refuses it with that count. In all, at most the
// workload's step-execution limit (README "Limits": 10^7, about 200 MB of JSON): executor threads
// each get their loop's whole count, so a layout could otherwise repeat it 32 times.
constexpr double kMaxExportedDraws = 2e6;
constexpr double kMaxExportedDrawsInAll = 1e7;

// The scenario's process and thread instances as the simulator lays them out (WorkloadLayout:
// names, global indices, roles, CPUs, step tables) and each thread's random draws: what a tool
// that replays the scenario in CPython needs so as not to re-implement the layout or the RNG.
// Written as the value of a variant's "layout" key; format: docs/trace-format.md.
void write_layout_json(std::ostream& out, const Scenario& scenario);

}  // namespace gilsim
