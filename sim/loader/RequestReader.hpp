#pragma once
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// workload.requests (README "Requests"): named request sources, each a count and its arrivals.
std::vector<RequestSpec> read_requests(const ValueReader& values, const YAML::Node& node);

// Every source is handled by some serve step or request coroutines, and a source handled by an
// event loop (one task per request) by that one loop alone.
void check_request_servers(const ValueReader& values, const YAML::Node& node, const std::vector<RequestSpec>& requests,
                           const std::vector<ProcessSpec>& processes);

}  // namespace gilsim
