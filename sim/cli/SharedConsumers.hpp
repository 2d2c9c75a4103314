#pragma once
#include <vector>

#include "sim/scenario/Scenario.hpp"
#include "sim/trace/StepKeys.hpp"

namespace gilsim {

// The consume loops of the scenario's thread instances on channels that more than one thread
// instance consumes (a queue.Queue within one process instance, a pipe or multiprocessing.Queue
// across processes): validation matches their messages per channel.
std::vector<SharedConsumeLoop> shared_consume_loops(const Scenario& scenario);

}  // namespace gilsim
