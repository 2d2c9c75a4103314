#pragma once
#include "sim/timeline/Timeline.hpp"
#include "sim/trace/GilActivity.hpp"

namespace gilsim {

// How a state is shown in the plots: its name and colour. The one place the SVG writers read
// them from, so a new state (or a table of states) changes one function.
struct StateStyle {
  const char* name;
  const char* colour;
};

StateStyle thread_state_style(ThreadState state);
// The states validation compares both sides in (GilActivity.hpp), coloured like the thread
// states they correspond to.
StateStyle step_state_style(StepState state);

}  // namespace gilsim
