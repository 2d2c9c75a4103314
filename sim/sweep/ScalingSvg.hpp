#pragma once
#include <ostream>

#include "sim/sweep/SweepReport.hpp"

namespace gilsim::sweep {

// scaling.svg: speedup against cores on log2 axes, one coloured line with markers per series
// (strategy, and parameter combination when several), the dashed ideal line speedup = cores,
// axis labels, a legend and a title. Byte-identical for the same report.
void write_scaling_svg(std::ostream& out, const SweepReport& report);

}  // namespace gilsim::sweep
