#pragma once
#include <cstdint>
#include <vector>

#include "sim/scenario/RequestSpec.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// The arrival times of a request source, drawn from their own random stream (the run's seed
// and the source's index), so that every variant and strategy of a scenario sees the same
// arrivals: common random numbers. The first request arrives one gap after time 0.
std::vector<double> draw_arrivals(const RequestSpec& spec, uint64_t seed, int source_index);

// The random stream of request `request` of source `source_index`: the draws of its handler
// (io and sleep latencies) come from it, so that a request gets the same draws whichever thread,
// process or coroutine serves it, in every variant.
Rng request_stream(uint64_t seed, int source_index, int64_t request);

// The think times of client `client` of a closed-loop source: a stream of their own, so that a
// client thinks the same in every variant whatever its requests' latencies.
Rng think_stream(uint64_t seed, int source_index, int64_t client);

}  // namespace gilsim
