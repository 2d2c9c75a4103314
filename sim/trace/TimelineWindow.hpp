#pragma once
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// Keeps only the spans (state, step and core spans) that overlap [start, end], whole: a trace of
// part of a long run (--trace-window). The per-thread totals, which the summary reads, are kept.
void keep_spans_in_window(Timeline& timeline, double start, double end);

}  // namespace gilsim
