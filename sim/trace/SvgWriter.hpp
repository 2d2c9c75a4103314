#pragma once
#include <ostream>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// Writes a standalone SVG activity plot: one lane per thread ("process/thread", at most 64),
// spans coloured by state over a labelled time axis, a legend and a title. Spans narrower than
// a quarter pixel are drawn at pixel resolution (majority state per pixel), and past about
// 200k rects every lane is, so the file stays bounded however long the timeline.
// Deterministic: equal timelines give byte-identical output.
void write_activity_svg(const Timeline& timeline, std::ostream& out);

}  // namespace gilsim
