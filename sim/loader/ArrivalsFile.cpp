#include "sim/loader/ArrivalsFile.hpp"

#include "sim/loader/Limits.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {

std::vector<double> read_arrival_times(const std::string& file, const std::string& text) {
  std::vector<double> times;
  std::size_t line_start = 0;
  int line = 0;
  int previous_line = 0;
  while (line_start < text.size()) {
    ++line;
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    std::string content = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!content.empty() && content.back() == '\r') content.pop_back();
    const std::size_t first = content.find_first_not_of(" \t");
    if (first == std::string::npos || content[first] == '#') continue;
    const std::size_t last = content.find_last_not_of(" \t");
    const std::string value = content.substr(first, last - first + 1);
    const std::string where = file + ":" + std::to_string(line) + ":" + std::to_string(first + 1);
    const std::optional<double> time = parse_duration(value);
    if (!time || *time < 0)
      throw ScenarioError(where, "expected an arrival time such as '12.5ms' (units: ns, us, ms, s, min, h), got '" +
                                     value + "'");
    if (!times.empty() && *time < times.back())
      throw ScenarioError(where, "arrival " + value + " is before the previous one (" + format_duration(times.back()) +
                                     " at line " + std::to_string(previous_line) +
                                     "); expected times in increasing order");
    if (static_cast<int64_t>(times.size()) == limits::kMaxRequests)
      throw ScenarioError(where, "more than " + std::to_string(limits::kMaxRequests) + " arrivals (the limit of requests)");
    times.push_back(*time);
    previous_line = line;
  }
  return times;
}

}  // namespace gilsim
