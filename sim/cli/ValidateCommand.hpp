#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `gilsim validate SCENARIO --measured TRACE... [options]`: simulates each variant that has
// measured traces and compares the timelines. Exit 0 when every comparison is within the
// tolerances, 1 when one is not (or a simulation failed), 2 on bad input.
int validate_command(const std::vector<std::string>& args);

}  // namespace gilsim
