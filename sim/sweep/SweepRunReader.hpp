#pragma once
#include <string>

#include "sim/sweep/SweepReport.hpp"

// A configuration's result, read back for its row of the report: DIR/runs/<key>.json (a
// `gilsim run --json` summary, or with --seeds a `gilsim run --seeds N --json` one), or else the
// failed run's DIR/runs/<key>.err.

namespace gilsim::sweep {

// Fills the row of one configuration (row.config set): its metrics and latency and ok = true
// from its result, or else its error: the configuration's own, the failed run's stderr in one
// line, an unreadable result, or "missing: ...".
void read_run_result(SweepRow& row, const std::string& dir);

}  // namespace gilsim::sweep
