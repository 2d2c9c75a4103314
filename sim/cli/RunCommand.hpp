#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `gilsim run FILE [options]`. Returns the process exit code: 0 success, 1 a simulation
// failed, 2 bad usage or bad scenario.
int run_command(const std::vector<std::string>& args);

}  // namespace gilsim
