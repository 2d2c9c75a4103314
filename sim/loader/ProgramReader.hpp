#pragma once
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Reads a thread's program: a list of steps, each a mapping with exactly one step kind, and
// checks that it takes and releases its locks in a balanced way.
std::vector<Step> read_thread_program(const ValueReader& values, const std::vector<ChannelSpec>& channels,
                                      const YAML::Node& node, const std::string& path);

// Number of step executions a program performs (repeat multiplies), for the size limit.
double count_step_executions(const std::vector<Step>& program);

// multiprocessing start methods: fork, spawn, forkserver.
StartMethod read_start_method(const ValueReader& values, const YAML::Node& node, const std::string& path);
// The optional keys input and output (sizes) and objects (a count) of a task handed to another
// process.
Payload read_payload(const ValueReader& values, MapReader& map);

}  // namespace gilsim
