#pragma once
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// The options that choose and adjust a scenario, shared by every subcommand that loads one:
// FILE, --cores, --smt, --switch-interval, --seed, --set, --variant.
void add_scenario_options(boost::program_options::options_description& options);
// --gil-model, for the commands that simulate.
void add_gil_model_option(boost::program_options::options_description& options);

// Parses `args` (FILE as the first positional argument) against `options`, which must include
// the scenario options. Throws boost::program_options::error on bad usage.
boost::program_options::variables_map parse_command_line(const std::vector<std::string>& args,
                                                         const boost::program_options::options_description& options,
                                                         const std::string& usage);

// --gil-model NAME: fast or reference.
GilModel parse_gil_model(const std::string& name);

// Loads FILE with the overrides and keeps the selected variants. Throws ScenarioError.
std::vector<Scenario> load_selected_scenarios(const boost::program_options::variables_map& vm);

}  // namespace gilsim
