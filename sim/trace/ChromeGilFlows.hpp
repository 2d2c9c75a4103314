#pragma once
#include <cstddef>
#include <cstdint>
#include <ostream>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/TraceEventWriter.hpp"

namespace gilsim::chrome {

// What became of a timeline's GIL hand-overs in a trace.
struct HandoverFlows {
  int64_t written = 0;
  int64_t left_out = 0;      // the last ones in time, past the trace's byte budget
  double left_out_from = 0;  // when the first hand-over left out was dropped (seconds)
};

// Each GIL hand-over as a legacy flow (docs/trace-format.md "GIL hand-overs"): a "s" event on
// the dropping thread's state track 1 ns before the drop, which binds to the span it ends
// (enclosing slice), and a "f" event on the taking thread's track 1 ns before the take, which
// binds to the span it starts (next slice), so that Perfetto and chrome://tracing draw an arrow
// from the dropper's last span to the taker's first. Named "GIL hand-over (forced)" or "(voluntary)",
// category "gil-handover"; the "s" event's args give the threads and the taker's wait. Written in time
// order while `out` (whose tellp() counts the bytes written so far) stays `reserve` bytes under
// `budget`; the rest are left out and counted.
HandoverFlows write_handover_flows(const Timeline& timeline, EventWriter& events, std::ostream& out,
                                   std::size_t budget, std::size_t reserve);

}  // namespace gilsim::chrome
