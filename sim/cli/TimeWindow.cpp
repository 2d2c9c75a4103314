#include "sim/cli/TimeWindow.hpp"

#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {

TimeWindow parse_time_window(const std::string& option, const std::string& text) {
  const std::string where = option + " " + (text.empty() ? "''" : text);
  const std::string expected = "expected START:END such as 0:50ms or 1s:1.5s (durations with units; END after START)";
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) throw ScenarioError(where, expected);
  const std::string start = text.substr(0, colon), end = text.substr(colon + 1);
  TimeWindow window;
  if (!start.empty() && start != "0") {
    const auto s = parse_duration(start);
    if (!s || *s < 0) throw ScenarioError(where, expected + ", got start '" + start + "'");
    window.start = *s;
  }
  const auto e = parse_duration(end);
  if (!e) throw ScenarioError(where, expected + ", got end '" + end + "'");
  window.end = *e;
  if (!(window.end > window.start)) throw ScenarioError(where, expected + "; the end is not after the start");
  return window;
}

}  // namespace gilsim
