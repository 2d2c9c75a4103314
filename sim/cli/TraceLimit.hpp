#pragma once
#include <cstddef>
#include <string>

#include "sim/scenario/Scenario.hpp"
#include "sim/trace/TraceSizeLimits.hpp"

namespace gilsim {

extern const char* const kTraceTooLarge;  // what to do instead, for messages

// Refuses, before simulating, a variant whose trace would certainly pass the limit: every step
// execution writes at least a step span and a state span (kMinTraceBytesPerStep together).
// Throws ScenarioError against `where`.
void check_trace_size(const Scenario& scenario, const std::string& where);

}  // namespace gilsim
