#pragma once
#include <yaml-cpp/yaml.h>

#include "sim/loader/MachineReader.hpp"
#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// The scenario's `runtime` section (README "Scenario format", GIL, Per-call costs, Python
// versions): every key over the host's defaults from the machine profile (`host`).
RuntimeConfig read_runtime(const ValueReader& values, const YAML::Node& node, const HostDefaults& host);

}  // namespace gilsim
