#pragma once
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// A command-line override of one scenario value: `key` is a path such as
// "machine.cores" or "workload.processes[0].threads[1].count"; `value` is YAML text.
struct Override {
  std::string key;
  std::string value;
  std::string origin;  // how the user wrote it, for error messages ("--cores 4")
};

// Parses "path.to.key=value" as given to --set.
Override parse_override(const std::string& text);

// Loads a scenario file: one Scenario per variant (or one when there are none), each with the
// overrides applied. Throws ScenarioError with file:line:col on any invalid input.
std::vector<Scenario> load_scenarios(const std::string& file, const std::vector<Override>& overrides);

// The same for the text of a file named `file` (used in messages and for relative profile paths),
// already read: the fuzz target's entry point.
std::vector<Scenario> load_scenarios_text(const std::string& file, const std::string& text,
                                          const std::vector<Override>& overrides);

}  // namespace gilsim
