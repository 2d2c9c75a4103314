#pragma once
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Reads a thread's program: a list of steps, each a mapping with exactly one step kind, and
// checks that it takes and releases its locks in a balanced way.
// `requests` are the sources serve steps and request coroutines may name, `semaphores` the
// threading.Semaphores its acquire and release steps may name.
std::vector<Step> read_thread_program(const ValueReader& values, const std::vector<ChannelSpec>& channels,
                                      const YAML::Node& node, const std::string& path,
                                      const std::vector<RequestSpec>& requests = {},
                                      const std::vector<SemaphoreSpec>& semaphores = {});

}  // namespace gilsim
