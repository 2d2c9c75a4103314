#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// How many io latencies a thread draws from its random stream (Rng::for_stream(seed, thread))
// at most, so that a tool replaying the scenario (scripts/record.py) can be handed the draws
// before the run. Only distributions draw (a fixed latency takes nothing). `messages` bounds the
// messages of each channel (ExecutionBound::messages): a consume body draws once per message.
double random_draws(const std::vector<Step>& program, const std::map<std::string, double>& messages);
// The draws of a loop thread's run_in_executor functions: any one of its executor threads may
// run them all, so each executor thread gets this many. A coroutine's consume body runs once per
// item its loop's queues are given outside consume bodies.
double executor_draws(const std::vector<Step>& program, const std::map<std::string, double>& messages);

}  // namespace gilsim
