#include "sim/trace/LaneRaster.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace gilsim {
namespace {

// The style covering most of a pixel column, or -1 when under kMinRectPx of it is covered.
int dominant_style(const std::array<double, kMaxStyles>& cover) {
  double total = 0;
  int best = 0;
  for (int s = 0; s < kMaxStyles; ++s) {
    total += cover[s];
    if (cover[s] > cover[best]) best = s;
  }
  return total < kMinRectPx ? -1 : best;
}

// Draws runs[first, last) at pixel resolution, clipped to their extent: each column takes its
// majority style and equal neighbouring columns merge into one rect.
void rasterise(const std::vector<Run>& runs, std::size_t first, std::size_t last, std::size_t lane, double plot_width,
               std::vector<Rect>& rects) {
  const double lo = runs[first].x0;
  double hi = lo;
  for (std::size_t i = first; i < last; ++i) hi = std::max(hi, runs[i].x1);
  const auto col_lo = static_cast<int64_t>(std::floor(std::max(lo, 0.0)));
  const auto col_hi = static_cast<int64_t>(std::ceil(std::min(hi, plot_width)));
  if (col_hi <= col_lo) return;
  std::vector<std::array<double, kMaxStyles>> cover(static_cast<std::size_t>(col_hi - col_lo));
  for (std::size_t i = first; i < last; ++i) {
    const Run& run = runs[i];
    const int64_t from = std::max(col_lo, static_cast<int64_t>(std::floor(run.x0)));
    const int64_t to = std::min(col_hi, static_cast<int64_t>(std::ceil(run.x1)));
    for (int64_t c = from; c < to; ++c) {
      const double overlap = std::min(run.x1, c + 1.0) - std::max(run.x0, double(c));
      if (overlap > 0) cover[c - col_lo][run.style] += overlap;
    }
  }
  for (int64_t c = col_lo; c < col_hi; ++c) {
    const int style = dominant_style(cover[c - col_lo]);
    if (style < 0) continue;
    const double x0 = std::max(lo, double(c));
    const double x1 = std::min(hi, c + 1.0);
    Rect* previous = rects.empty() ? nullptr : &rects.back();
    if (previous && previous->lane == lane && previous->style == style && previous->x1 == x0)
      previous->x1 = x1;
    else
      rects.push_back({lane, style, x0, x1});
  }
}

void exact_lane_rects(const std::vector<Run>& runs, std::size_t lane, double plot_width, std::vector<Rect>& rects) {
  constexpr std::size_t kNone = SIZE_MAX;
  std::size_t narrow_from = kNone;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].x1 - runs[i].x0 < kMinRectPx) {
      if (narrow_from == kNone) narrow_from = i;
      continue;
    }
    if (narrow_from != kNone) rasterise(runs, narrow_from, i, lane, plot_width, rects);
    narrow_from = kNone;
    rects.push_back({lane, runs[i].style, runs[i].x0, runs[i].x1});
  }
  if (narrow_from != kNone) rasterise(runs, narrow_from, runs.size(), lane, plot_width, rects);
}

}  // namespace

void append_run(std::vector<Run>& lane, const Run& run) {
  if (!lane.empty() && lane.back().style == run.style && run.x0 - lane.back().x1 < kMinRectPx)
    lane.back().x1 = std::max(lane.back().x1, run.x1);
  else
    lane.push_back(run);
}

std::vector<Rect> lane_rects(const std::vector<std::vector<Run>>& lanes, double plot_width, std::size_t max_rects) {
  std::vector<Rect> rects;
  for (std::size_t lane = 0; lane < lanes.size() && rects.size() <= max_rects; ++lane)
    exact_lane_rects(lanes[lane], lane, plot_width, rects);
  if (rects.size() <= max_rects) return rects;
  rects.clear();
  for (std::size_t lane = 0; lane < lanes.size(); ++lane)
    if (!lanes[lane].empty()) rasterise(lanes[lane], 0, lanes[lane].size(), lane, plot_width, rects);
  return rects;
}

}  // namespace gilsim
