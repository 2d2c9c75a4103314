#pragma once
#include <vector>

#include "sim/scenario/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Reads a thread's program: a list of steps, each a mapping with exactly one step kind.
std::vector<Step> read_program(const ValueReader& values, const YAML::Node& node,
                               const std::string& path, int depth = 0);

// Number of step executions a program performs (repeat multiplies), for the size limit.
double count_step_executions(const std::vector<Step>& program);

}  // namespace gilsim
