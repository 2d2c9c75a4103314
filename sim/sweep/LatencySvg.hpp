#pragma once
#include <ostream>

#include "sim/sweep/SweepReport.hpp"

namespace gilsim::sweep {

// True when some configuration of the sweep served requests (workload.requests).
bool has_latency(const SweepReport& report);

// latency.svg: latency against offered load, the picture that shows where a service saturates.
// One colour per series: the configurations that differ only by an arrival rate
// (--set ...arrivals.rate=...), with p99 as a solid line and p50 as a dashed one, over the
// offered rate each run measured (requests / the last arrival), of the first request source.
// Latency is on a log10 axis; a saturated run's points are open circles. Byte-identical for the
// same report.
void write_latency_svg(std::ostream& out, const SweepReport& report);

}  // namespace gilsim::sweep
