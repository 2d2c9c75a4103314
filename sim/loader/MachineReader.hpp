#pragma once
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/loader/NodeReader.hpp"
#include "sim/loader/WakeupReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Host-specific defaults a machine profile supplies to the runtime section.
struct HostDefaults {
  GilConfig gil;
  ProcessCosts processes;
  IpcConfig ipc;
  AsyncioConfig asyncio;
  ProcessPoolConfig process_pool;
  LockConfig locks;
  SemaphoreConfig semaphores;
  PythonVersion python;  // host.python_version when gilsim models it, else 3.11
  MpPoolConfig mp_pool;
};

// Reads GIL latency keys of `map` over `gil`.
void read_gil_keys(const ValueReader& values, MapReader& map, GilConfig& gil);


// `machine:` is a mapping, a profile path, or a mapping with `profile:` whose keys override it.
// A profile path in the file is relative to the scenario file; one given with --set, to the
// working directory. The profile's GIL latencies and calibration become `host`'s defaults.
MachineConfig read_machine(const ValueReader& values, const YAML::Node& node, HostDefaults& host);

}  // namespace gilsim
