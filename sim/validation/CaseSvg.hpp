#pragma once
#include "sim/timeline/Timeline.hpp"
#include "sim/validation/SpanTrace.hpp"

namespace gilsim {

// Simulated lanes above measured ones, in the states both sides can show. The recorder sees a
// blocking call only as a whole, its GIL re-take included, so on both sides a blocking step is
// drawn in its blocking state to its end; spans with GIL runs are python where a run covers
// them and gil-wait elsewhere (a paused CPU-bound loop).
Timeline case_side_by_side(const Timeline& simulated, const SpanTrace& measured);

}  // namespace gilsim
