#pragma once
#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ActivityPanel.hpp"
#include "sim/trace/MeasuredTrace.hpp"
#include "sim/trace/Validation.hpp"

namespace gilsim {

// The plot of `gilsim validate --svg`: for each thread its simulated lane above its measured
// lane, both drawn in the same states, the ones validation compares (GilActivity.hpp): a cpu step
// split into its GIL runs (python) and the pauses between them (gil-wait) when both sides have GIL
// runs, as one "cpu" stretch when the measured run has none. Under the plot: the comparison's
// errors against their tolerances, and the verdict.
ActivityPanel validation_panel(const Timeline& simulated, const MeasuredTrace& measured, const ValidationReport& report);

}  // namespace gilsim
