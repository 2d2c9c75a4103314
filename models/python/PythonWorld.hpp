#pragma once
#include <memory>
#include <vector>

#include "models/machine/Machine.hpp"
#include "models/python/ProcessRuntime.hpp"
#include "sim/engine/WorkloadLayout.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/trace/Timeline.hpp"

namespace gilsim {

// What every Python thread of one simulation shares: the scenario, the machine, the timeline
// being recorded, and every process instance's runtime (a parent reaches its children's).
struct PythonWorld {
  const Scenario& scenario;
  const WorkloadLayout& layout;
  Machine& machine;
  Timeline& timeline;
  std::vector<std::unique_ptr<ProcessRuntime>> processes;
  bool forkserver_started = false;
};

}  // namespace gilsim
