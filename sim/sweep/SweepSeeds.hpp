#pragma once
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/sweep/SweepReport.hpp"

// `gilsim sweep --seeds N` (README "Seeds: intervals and ties"): each configuration is one
// `gilsim run --seeds N --json`, read back as one row of means with their spread, and the best
// strategy is chosen with a tie band.

namespace gilsim::sweep {

// The row of a `gilsim run --seeds N --json` result's variant: metrics and latency the means over
// the seeds, with the makespan's and latencies' spreads.
void read_seeded_row(SweepRow& row, const YAML::Node& variant);

// A row whose makespan interval overlaps the best one's at the same params and cores is tied
// with it (rows already marked best).
void mark_ties(SweepReport& report);
// The strategies tied with the best row (same params and cores), in plan order.
std::vector<const SweepRow*> tied_with(const SweepReport& report, const SweepRow& best);
// "threads", or with a tie "threads, tied with processes".
std::string best_cell(const SweepReport& report, const SweepRow& best);
// The best column: "best", or "tied" for the best and those tied with it.
std::string best_mark(const SweepReport& report, const SweepRow& row);
// "1.234s ± 0.012s" with seeds, "1.234s" without.
std::string with_spread(const std::string& mean, const std::string& half, int seeds);

}  // namespace gilsim::sweep
