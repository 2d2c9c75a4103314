#pragma once
#include <ostream>

#include "sim/sweep/SweepReport.hpp"

namespace gilsim::sweep {

// scaling.svg, two panels over cores on log2 axes, one line per series (strategy, and parameter
// combination when several), each with its own colour, marker and dash pattern:
//  - speedup against one baseline common to every strategy: the sequential run, the work run
//    step after step in one thread (the shortest of the series', per parameter combination), with
//    the ideal line speedup = cores;
//  - the makespan itself, in seconds.
// Points of different series at the same core count are dodged sideways by a few pixels so that
// equal values stay visible. Byte-identical for the same report.
void write_scaling_svg(std::ostream& out, const SweepReport& report);

}  // namespace gilsim::sweep
