#pragma once
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

struct RunStats {
  double wall_seconds = 0;
  long peak_rss_kib = 0;
};

// Runs one scenario variant on SimGrid and returns its timeline. SimGrid allows one engine per
// process and never resets its clock, so call this at most once per process (see IsolatedRun).
// `simgrid_args` are passed through (--cfg=..., --log=...); SimGrid is silent otherwise.
Timeline simulate(const Scenario& scenario, const std::vector<std::string>& simgrid_args);

}  // namespace gilsim
