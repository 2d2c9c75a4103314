#pragma once
#include <ostream>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// A latency histogram of one run (`gilsim run --latency-svg`): one panel per request source,
// latencies on a log10 axis in 20 bins per decade (a service's latencies span decades: the
// body and the tail both stay visible), the count of requests per bin as bars, and vertical
// lines at p50, p99 and p99.9. Byte-identical for the same timeline.
void write_latency_histogram_svg(const Timeline& timeline, std::ostream& out);

}  // namespace gilsim
