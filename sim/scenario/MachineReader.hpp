#pragma once
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Host-specific defaults a machine profile supplies to the runtime section.
struct HostDefaults {
  GilConfig gil;
  ProcessCosts processes;
  IpcConfig ipc;
  AsyncioConfig asyncio;
  ProcessPoolConfig process_pool;
};

// Reads GIL latency keys of `map` over `gil`.
void read_gil_keys(const ValueReader& values, MapReader& map, GilConfig& gil);

// A wake-up latency: one duration, or a mapping from blocked time to latency such as
// {100us: 12us, 1ms: 45us, 10ms: 120us}, in increasing blocked time (WakeupCurve).
WakeupCurve read_wakeup(const ValueReader& values, const YAML::Node& node, const std::string& path);

// `machine:` is a mapping, a profile path, or a mapping with `profile:` whose keys override it.
// A profile path in the file is relative to the scenario file; one given with --set, to the
// working directory. The profile's GIL latencies and calibration become `host`'s defaults.
MachineConfig read_machine(const ValueReader& values, const YAML::Node& node, HostDefaults& host);

}  // namespace gilsim
