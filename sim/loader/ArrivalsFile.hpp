#pragma once
#include <string>
#include <vector>

namespace gilsim {

// The arrival times of a request source read from a file (README "Requests"): one time per
// line, with its unit ('12.5ms', '1.2s'), from the start of the run, in increasing order (equal
// times are simultaneous arrivals); blank lines and lines starting with '#' are skipped. A bad
// line is a ScenarioError at file:line:col; an empty list is returned as is (the caller reports
// it where the file is named).
std::vector<double> read_arrival_times(const std::string& file, const std::string& text);

}  // namespace gilsim
