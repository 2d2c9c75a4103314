#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "sim/trace/SeededSummary.hpp"

namespace gilsim {

// `gilsim run --seeds N`: one row per variant, each figure its mean over the seeds ± the half
// width of its 95% confidence interval; the fastest variant (or, with requests, the lowest p99
// of each source) marked, with the variants whose interval overlaps it marked tied.
void write_seeded_report(std::ostream& out, const std::string& file, const std::vector<SeededVariant>& variants);

// --json with --seeds: {"schema_version", "file", "seeds": {...}, "variants": [{..., "makespan_s":
// {"mean", "half_width", "low", "high", "values"}, ..., "runs": [summary per seed]}]} (README).
void write_seeded_report_json(std::ostream& out, const std::string& file, const std::vector<SeededVariant>& variants);

// "1.234s ± 0.012s (95% CI, 10 seeds)": a makespan or latency in its own unit (format_duration).
std::string describe_spread(const Spread& spread);

}  // namespace gilsim
