#pragma once
#include <string>
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/MachineConfig.hpp"

namespace gilsim {

// machine.scheduler (fair or eevdf) and the EEVDF model's parameters (tick, base_slice,
// wakeup_idle, wakeup_remote, context_switch, migration_cost), and machine.cpus, of `map` over `machine`.
// Read after cores and smt: CPU numbers are checked against them.
void read_scheduler_keys(const ValueReader& values, MapReader& map, MachineConfig& machine);

// A set of logical CPUs as Linux numbers them (0 to cores x smt - 1): a non-empty list without
// duplicates, e.g. [0, 1], for machine.cpus and the affinity of processes and threads.
std::vector<int> read_cpu_set(const ValueReader& values, const YAML::Node& node, const std::string& path, int cpus);

}  // namespace gilsim
