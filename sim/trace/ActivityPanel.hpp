#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// What an activity plot shows, in simulated time: lanes of coloured stretches, already reduced
// to what a plot can draw (at most ~100k stretches). A simulation builds it in its own process
// and hands it to the parent (as text), which draws every variant on one common time axis.
struct PanelStyle {
  std::string name;
  std::string colour;
  bool in_legend = true;
};

struct TimedRun {
  int style;
  double start;
  double end;
};

struct PanelLane {
  std::string label;
  int swatch = -1;     // a style shown beside the label (a thread's colour in its GIL lane)
  bool gil = false;    // a process's GIL-holder lane
  std::vector<TimedRun> runs;
};

struct ActivityPanel {
  std::string title;
  std::string subtitle;
  double start = 0;  // the time the panel covers: a window, or 0 to the last activity
  double end = 1e-3;
  std::vector<PanelStyle> styles;
  std::vector<PanelLane> lanes;
  std::size_t hidden_threads = 0;
  std::vector<std::string> notes;  // lines under the plot
};

// The part of a window, or the whole run.
struct PanelWindow {
  bool set = false;
  double start = 0;
  double end = 0;
};

// One lane per thread (at most 64) coloured by state, and for each process whose threads take
// turns running Python, a GIL lane above its threads coloured by the thread holding the GIL.
ActivityPanel activity_panel(const Timeline& timeline, const PanelWindow& window = {});

// Reduces `lanes` of stretches (in seconds, each lane in time order) to what a plot
// `resolution_px` wide over [start, end] can show, clipped to it.
void reduce_lanes(ActivityPanel& panel, double resolution_px);

std::string serialize_panel(const ActivityPanel& panel);
ActivityPanel parse_panel(const std::string& text);  // throws std::runtime_error on bad text

}  // namespace gilsim
