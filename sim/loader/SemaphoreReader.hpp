#pragma once
#include <string>
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/SemaphoreSpec.hpp"

namespace gilsim {

// A list of semaphores, [{name, value, bounded}, ...]: workload.semaphores (`python_class`
// "threading.Semaphore") or an asyncio step's semaphores ("asyncio.Semaphore"). Names are
// unique; value is at least 1 (1 by default, as in Python); bounded is false by default.
std::vector<SemaphoreSpec> read_semaphore_specs(const ValueReader& values, const YAML::Node& node,
                                                const std::string& path, const std::string& python_class);

}  // namespace gilsim
