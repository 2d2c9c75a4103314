#pragma once
#include <ostream>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// Writes `timeline` as Chrome Trace Event JSON (object form) for ui.perfetto.dev and
// chrome://tracing. Track conventions:
//  - pid = process index + 1 per simulated Python process; tid = global thread index + 1 per
//    Python thread (one "X" event per StateSpan, cat "state");
//  - tid 1000000 + process index: that process's "GIL holder" track (cat "gil"), which also
//    carries the process-scoped counters "GIL waiters" and "runnable";
//  - pid 1000000 "machine": tid = core * 64 + slot + 1 per hardware thread, named "core N.slot"
//    (cat "core").
// Times are whole nanoseconds written as microseconds with three decimals. The output is
// streamed and byte-identical for equal timelines, whatever the order of their spans.
void write_chrome_trace(const Timeline& timeline, std::ostream& out);

}  // namespace gilsim
