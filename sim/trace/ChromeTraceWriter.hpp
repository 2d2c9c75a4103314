#pragma once
#include <cstddef>
#include <limits>
#include <ostream>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ChromeGilFlows.hpp"

namespace gilsim {

// Writes `timeline` as Chrome Trace Event JSON (object form) for ui.perfetto.dev and
// chrome://tracing. Track conventions:
//  - pid = process index + 1 per simulated Python process; tid = global thread index + 1 per
//    Python thread (one "X" event per StateSpan, cat "state");
//  - tid 1000000 + process index: that process's "GIL holder" track (cat "gil"), which also
//    carries the process-scoped counters "GIL waiters" and "runnable";
//  - pid 1000000 "machine": tid = core * 64 + slot + 1 per hardware thread, named "core N.slot"
//    (cat "core");
//  - each asyncio task that serves no request as an async slice of its process (ChromeTaskEvents.hpp);
//  - each GIL hand-over as a flow arrow between two thread tracks (ChromeGilFlows.hpp).
// Times are whole nanoseconds written as microseconds with three decimals. The output is
// streamed and byte-identical for equal timelines, whatever the order of their spans. The
// hand-overs' arrows come last and stop before the file passes `max_bytes` (bytes counted by
// out.tellp()); the rest of the file is what the caller's size limit applies to.
chrome::HandoverFlows write_chrome_trace(const Timeline& timeline, std::ostream& out,
                                         std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

}  // namespace gilsim
