#pragma once
#include <ostream>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// The resolved scenario (variant merged, overrides applied) as JSON, for tools outside the
// simulator: scripts/record.py executes exactly this in real CPython. Format: docs/trace-format.md.
// With `layout`, a "layout" key adds the instances and random draws (LayoutJson.hpp).
void write_scenario_json(std::ostream& out, const Scenario& scenario, bool layout = false);
// A program as a JSON list of step objects, each line indented by `pad`.
void write_program_json(std::ostream& out, const std::vector<Step>& program, const std::string& pad);
// A latency distribution (io, sleep) and a request source's arrivals as JSON objects.
std::string latency_json(const Latency& latency);
std::string arrivals_json(const ArrivalSpec& arrivals);
// Semaphore declarations (workload.semaphores, an asyncio step's) as a JSON list.
std::string semaphores_json(const std::vector<SemaphoreSpec>& semaphores);

}  // namespace gilsim
