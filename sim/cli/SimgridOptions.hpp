#pragma once
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace gilsim {

// --log X and --cfg X: SimGrid settings passed through as --log=X / --cfg=X.
void add_simgrid_options(boost::program_options::options_description& options);

// The pass-through arguments of `vm`, checked first: SimGrid answers a malformed --log setting
// with a backtrace and an abort, so its syntax is checked here (README "Command line") and a
// bad one is an error naming the option. Throws ScenarioError.
std::vector<std::string> simgrid_arguments(const boost::program_options::variables_map& vm);

// Checks one --log setting: "no_loc", or space-separated CATEGORY.KEY:VALUE items where KEY is a
// prefix of threshold, additivity, appender or fmt (SimGrid's xbt_log_control_set).
void check_simgrid_log(const std::string& setting);

}  // namespace gilsim
