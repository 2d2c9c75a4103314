#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `gilsim export FILE [scenario options]`: the resolved scenario (every variant, overrides
// applied) as JSON on stdout, for scripts/record.py. Exit 0, or 2 on bad input.
int export_command(const std::vector<std::string>& args);

}  // namespace gilsim
