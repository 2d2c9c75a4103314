#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/SeedSpread.hpp"
#include "sim/trace/Summary.hpp"

namespace gilsim {

// One request source over the seeds: the spread of the figures `--seeds` reports.
struct LatencySpread {
  std::string source;
  Spread count;  // requests per seed (workload.requests[].count: the same in every seed)
  Spread mean, p50, p99, throughput;
  int saturated_seeds = 0;         // seeds in which the source was saturated
  TieRank p99_rank = TieRank::Apart;  // against the same source of the other variants
};

// One variant run once per seed (`gilsim run --seeds N`, and each row of `gilsim sweep --seeds N`).
struct SeededVariant {
  uint64_t first_seed = 0;
  std::vector<Summary> runs;  // one per seed: first_seed, first_seed + 1, ...
  Spread makespan, speedup, cpu_utilisation, gil_switches;
  std::vector<LatencySpread> latency;       // per request source, in source order
  std::vector<LatencyStats> mean_latency;   // per source, every figure the mean over the seeds;
                                            // saturated when it was in any seed
  TieRank makespan_rank = TieRank::Apart;   // against the other variants (closed-loop scenarios)

  const Summary& first() const { return runs.front(); }
};

// The spreads of the runs of one variant (at least one run; every run has the same sources).
SeededVariant aggregate_seeds(uint64_t first_seed, std::vector<Summary> runs);

// Ranks the variants: by makespan when no variant serves requests (the lowest mean is the
// fastest, those whose interval overlaps it tied), else each request source by its p99 (the
// makespan of an open loop is the span of its arrivals, the same for every variant).
void rank_variants(std::vector<SeededVariant>& variants);

}  // namespace gilsim
