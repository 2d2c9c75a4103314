#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `gilsim validate --case CASE.yaml [options]`: compares a validation program's measured runs
// with their scenario's simulations, metric by metric (README "The validation suite"). Exit 0
// when every comparison passes (within its target or its pinned band), 1 when one fails or
// cannot be computed, 2 on bad input. With --control NAME, exit 0 when the control's named
// comparisons all fail under its deliberately wrong model.
int case_validate_command(const std::vector<std::string>& args);

}  // namespace gilsim
