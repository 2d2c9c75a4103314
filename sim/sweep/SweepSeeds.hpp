#pragma once
#include <ostream>
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
// results.csv's last columns with --seeds: seeds, makespan_ci_s, tied (and p50_ci_s, p99_ci_s
// with requests), each after a comma; empty cells for a row without a result.
void write_seeded_csv_cells(std::ostream& out, const SweepRow& row, bool requests);
// results.json, a row with a result: ", \"seeds\": N, \"makespan_ci_s\": ..." and, with requests,
// ", \"latency_ci\": [...]": the half widths of the 95% intervals of the means above them.
void write_seeded_row_json(std::ostream& out, const SweepRow& row);
// results.json, a best entry: ", \"tied_with\": [strategies]".
void write_tied_with_json(std::ostream& out, const SweepReport& report, const SweepRow& best);
// results.txt, a row with requests: p50, p99 and served/s as mean ± half width, and the load
// ("saturated in K of N seeds").
std::vector<std::string> seeded_latency_cells(const SweepRow& row);
// results.txt, under the table: what the ± and "tied" mean.
void write_seeds_note(std::ostream& out, int seeds);
// "1.234s ± 0.012s" with seeds, "1.234s" without.
std::string with_spread(const std::string& mean, const std::string& half, int seeds);

}  // namespace gilsim::sweep
