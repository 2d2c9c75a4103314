#include "sim/cli/SimgridOptions.hpp"

#include <cstring>
#include <sstream>
#include <strings.h>

#include "sim/util/ScenarioError.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

const char* const kLogUsage =
    "expected CATEGORY.thresh:LEVEL (levels: trace, debug, verbose, info, warning, error, critical), "
    "CATEGORY.fmt:FORMAT, CATEGORY.app:file:PATH, CATEGORY.add:on|off, or no_loc (see SimGrid's logging documentation)";

bool is_prefix_of(const std::string& prefix, const char* word) {
  return !prefix.empty() && std::strncmp(prefix.c_str(), word, prefix.size()) == 0 && prefix.size() <= std::strlen(word);
}

void check_item(const std::string& setting, const std::string& item) {
  const std::string where = "--log " + setting;
  const std::size_t dot = item.find_first_of(".:=");
  if (dot == std::string::npos || item[dot] != '.' || dot == 0) throw ScenarioError(where, kLogUsage);
  const std::size_t colon = item.find_first_of(":=", dot + 1);
  if (colon == std::string::npos) throw ScenarioError(where, kLogUsage);
  const std::string key = item.substr(dot + 1, colon - dot - 1);
  const std::string value = item.substr(colon + 1);
  if (is_prefix_of(key, "threshold")) {
    for (const char* level : {"trace", "debug", "verbose", "info", "warning", "error", "critical"})
      if (::strcasecmp(value.c_str(), level) == 0) return;
    throw ScenarioError(where, "unknown level '" + value +
                                   "'; expected one of: trace, debug, verbose, info, warning, error, critical");
  }
  if (is_prefix_of(key, "additivity") || is_prefix_of(key, "fmt")) return;
  if (is_prefix_of(key, "appender")) {
    for (const char* kind : {"file:", "rollfile:", "splitfile:"})
      if (value.rfind(kind, 0) == 0) return;
    throw ScenarioError(where, "unknown appender '" + value + "'; expected file:PATH, rollfile:SIZE:PATH or splitfile:SIZE:PATH");
  }
  throw ScenarioError(where, kLogUsage);
}

}  // namespace

void add_simgrid_options(po::options_description& options) {
  options.add_options()
      ("log", po::value<std::vector<std::string>>()->composing()->value_name("X"), "SimGrid --log setting (passed through)")
      ("cfg", po::value<std::vector<std::string>>()->composing()->value_name("X"), "SimGrid --cfg setting (passed through)");
}

void check_simgrid_log(const std::string& setting) {
  if (setting == "no_loc") return;
  std::istringstream items(setting);
  std::string item;
  bool any = false;
  while (items >> item) {
    check_item(setting, item);
    any = true;
  }
  if (!any) throw ScenarioError("--log ''", kLogUsage);
}

std::vector<std::string> simgrid_arguments(const po::variables_map& vm) {
  std::vector<std::string> args;
  if (vm.count("log"))
    for (const std::string& v : vm["log"].as<std::vector<std::string>>()) {
      check_simgrid_log(v);
      args.push_back("--log=" + v);
    }
  if (vm.count("cfg"))
    for (const std::string& v : vm["cfg"].as<std::vector<std::string>>()) {
      if (v.find(':') == std::string::npos && v.find('=') == std::string::npos)
        throw ScenarioError("--cfg " + (v.empty() ? std::string("''") : v), "expected KEY:VALUE, such as contexts/factory:thread");
      args.push_back("--cfg=" + v);
    }
  return args;
}

}  // namespace gilsim
