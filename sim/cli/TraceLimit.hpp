#pragma once
#include <cstddef>
#include <string>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// A trace file is at most 1 GiB (README "Limits"): Perfetto and chrome://tracing load JSON
// traces whole, and larger ones would fill disks (5 GB for 10^7 steps).
constexpr std::size_t kMaxTraceBytes = std::size_t{1} << 30;
extern const char* const kTraceTooLarge;  // what to do instead, for messages

// Refuses, before simulating, a variant whose trace would certainly pass the limit: every step
// execution writes at least a step span and a state span (kMinTraceBytesPerStep together).
// Throws ScenarioError against `where`.
void check_trace_size(const Scenario& scenario, const std::string& where);

}  // namespace gilsim
