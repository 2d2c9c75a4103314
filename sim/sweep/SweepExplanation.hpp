#pragma once
#include <string>
#include <vector>

#include "sim/sweep/SweepReport.hpp"
#include "sim/trace/ReportFormat.hpp"

// Why a sweep's series stops scaling, in words: a row's bottleneck (SweepReport.hpp's classify),
// the evidence for it, and one sentence per series.

namespace gilsim::sweep {

inline std::string percent(double fraction) { return formatted("%.0f%%", 100 * fraction); }
inline std::string times(double speedup) { return formatted("%.1fx", speedup); }
inline std::string cores_text(int cores) { return std::to_string(cores) + (cores == 1 ? " core" : " cores"); }

// One sentence: where the series' scaling stops and why. `rows` are one series in core order.
std::string explain_series(const SweepPlan& plan, const std::vector<const SweepRow*>& rows);

}  // namespace gilsim::sweep
