#pragma once
#include <optional>
#include <string>

namespace gilsim {

// A stretch of simulated time, START:END, for --svg-window and --trace-window.
struct TimeWindow {
  double start = 0;  // seconds
  double end = 0;
};

// Parses "0:50ms", "1s:1.5s" or ":50ms" (from 0); END must be after START. Throws ScenarioError
// against `option`.
TimeWindow parse_time_window(const std::string& option, const std::string& text);

}  // namespace gilsim
