#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// An upper bound of the step executions of a workload (README "Limits"): every step counts
// once per run, a repeat multiplies its steps, and a consume loop's steps run once per message it
// receives. All the consumers of a channel together receive at most the messages put to it, by
// threads and by other consume loops (a pipeline), so bodies are counted per message put, not
// once. Returns +infinity when consume loops put to the channels they consume from: messages
// could then circulate forever (`cycle` names such a channel).
struct ExecutionBound {
  double steps = 0;
  std::string cycle;
  // Per channel, the messages put to it at most (by threads, servers and consume bodies); an
  // asyncio loop's own queues are keyed "asyncio@N:name". Empty when there is a cycle.
  std::map<std::string, double> messages;
};
ExecutionBound count_workload_executions(const std::vector<ProcessSpec>& processes);

// A count for messages: exact below 10^15, else as 1.2e+20 (no integer overflow).
std::string format_count(double count);

}  // namespace gilsim
