#include "sim/loader/SchedulerReader.hpp"

#include <algorithm>

#include "sim/loader/WakeupReader.hpp"

namespace gilsim {

std::vector<int> read_cpu_set(const ValueReader& values, const YAML::Node& node, const std::string& path, int cpus) {
  values.expect_sequence(node, path);
  if (node.size() == 0) values.source.fail(node, path, "expected at least one CPU, such as [0, 1]");
  std::vector<int> set;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item = path + "[" + std::to_string(i) + "]";
    const auto cpu = static_cast<int>(values.integer(node[i], item, 0, 1 << 20));
    if (cpu >= cpus)
      values.source.fail(node[i], item, "CPU " + std::to_string(cpu) + " does not exist: the machine has CPUs 0 to " +
                                            std::to_string(cpus - 1) + " (cores x smt)");
    if (std::find(set.begin(), set.end(), cpu) != set.end())
      values.source.fail(node[i], item, "CPU " + std::to_string(cpu) + " is listed twice");
    set.push_back(cpu);
  }
  std::sort(set.begin(), set.end());
  return set;
}

void read_scheduler_keys(const ValueReader& values, MapReader& map, MachineConfig& machine) {
  SchedulerConfig& s = machine.scheduler;
  if (auto n = map.get("scheduler"); n.IsDefined()) {
    const std::string policy = values.string(n, map.path_of("scheduler"));
    if (policy == "fair") s.policy = SchedulerPolicy::Fair;
    else if (policy == "eevdf") s.policy = SchedulerPolicy::Eevdf;
    else values.source.fail(n, map.path_of("scheduler"), "expected fair (processor sharing) or eevdf (Linux 6.6+), got '" + policy + "'");
  }
  if (auto n = map.get("tick"); n.IsDefined()) s.tick = values.duration(n, map.path_of("tick"));
  if (auto n = map.get("base_slice"); n.IsDefined()) s.base_slice = values.duration(n, map.path_of("base_slice"));
  if (auto n = map.get("wakeup_idle"); n.IsDefined()) s.wakeup_idle = read_wakeup(values, n, map.path_of("wakeup_idle"));
  if (auto n = map.get("wakeup_remote"); n.IsDefined())
    s.wakeup_remote = values.duration(n, map.path_of("wakeup_remote"), true);
  if (auto n = map.get("context_switch"); n.IsDefined())
    s.context_switch = values.duration(n, map.path_of("context_switch"), true);
  if (auto n = map.get("migration_cost"); n.IsDefined())
    s.migration_cost = values.duration(n, map.path_of("migration_cost"), true);
  if (auto n = map.get("cpus"); n.IsDefined())
    machine.cpus = read_cpu_set(values, n, map.path_of("cpus"), machine.logical_cpus());
}

}  // namespace gilsim
