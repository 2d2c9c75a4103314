#pragma once
#include "sim/timeline/Timeline.hpp"
#include "sim/trace/TraceEventWriter.hpp"

namespace gilsim::chrome {

// The process id of the "requests" process, beside the Python processes (1..) and the machine
// (1000000): one async track per request source.
constexpr int kRequestsPid = 1000001;

// Each request of workload.requests as an async slice from arrival to completion, with a nested
// "queue" slice until a handler took it, and its latency parts in the args.
void write_requests(const Timeline& timeline, EventWriter& events);

}  // namespace gilsim::chrome
