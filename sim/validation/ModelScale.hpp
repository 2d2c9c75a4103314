#pragma once
#include <string>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Deliberately wrong models for negative controls: a parameter of the resolved scenario (after
// variants, overrides and the machine profile) multiplied by a factor, so that "the switch
// interval doubled" means twice whatever the run simulates.
bool is_scalable(const std::string& path);
std::string scalable_parameters();  // the paths, for messages
void apply_scale(Scenario& scenario, const std::string& path, double factor);

}  // namespace gilsim
