#pragma once
#include <ostream>
#include <vector>

#include "sim/trace/Summary.hpp"

namespace gilsim {

// The human-readable summary: one row per variant (the fastest marked), then per variant the
// time each thread group spent in each state. `per_thread` lists threads instead of groups.
void write_report(std::ostream& out, const std::string& file, const std::vector<Summary>& variants,
                  bool per_thread);

// The --json document: {"file":..., "variants":[summary, ...]}.
void write_report_json(std::ostream& out, const std::string& file, const std::vector<Summary>& variants);

}  // namespace gilsim
