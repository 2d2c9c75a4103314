#pragma once
#include <cstddef>
#include <vector>

namespace gilsim {

// Turning lanes of coloured stretches into a bounded number of SVG rects. Positions are in
// pixels from the plot's left edge; `style` picks a colour (at most kMaxStyles of them).
constexpr int kMaxStyles = 32;
// Runs narrower than this are drawn per pixel column, in the column's majority style.
constexpr double kMinRectPx = 0.25;

struct Run {
  int style;
  double x0;
  double x1;
};

struct Rect {
  std::size_t lane;
  int style;
  double x0;
  double x1;
};

// Appends `run` to a lane kept in time order, merging it into the previous run when both have
// the same style and the gap is under kMinRectPx (they would draw as one rect anyway).
void append_run(std::vector<Run>& lane, const Run& run);

// Exact rects for runs at least kMinRectPx wide, each stretch of narrower runs rasterised per
// pixel column; past `max_rects`, every lane is rasterised (at most ~`plot_width` rects a lane).
std::vector<Rect> lane_rects(const std::vector<std::vector<Run>>& lanes, double plot_width, std::size_t max_rects);

}  // namespace gilsim
