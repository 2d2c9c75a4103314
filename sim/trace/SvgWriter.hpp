#pragma once
#include <ostream>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ActivityPanel.hpp"

namespace gilsim {

// Writes a standalone SVG activity plot of `panel` over the time axis [axis_start, axis_end]
// (several variants' plots share one axis): a title, one lane per lane of the panel with its
// label (never clipped: the label column widens to fit, up to a limit), spans coloured by style,
// a labelled time axis, a legend of the states that occur, and the panel's notes. Stretches
// narrower than a quarter pixel are drawn at pixel resolution (majority state per pixel), and
// past about 200k rects every lane is, so the file stays bounded however long the timeline.
// Deterministic: equal panels give byte-identical output.
void write_activity_svg(const ActivityPanel& panel, double axis_start, double axis_end, std::ostream& out);

// The plot of one timeline on its own axis (activity_panel() over the whole run).
void write_activity_svg(const Timeline& timeline, std::ostream& out);

}  // namespace gilsim
