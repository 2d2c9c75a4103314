#include "sim/sweep/SweepPlan.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/util/JsonWriter.hpp"
#include "sim/util/ScenarioError.hpp"

// The plan's JSON file (sweep.json in a sweep's folder): written when the sweep starts, read back
// by `gilsim sweep --collect DIR`, which reports on jobs run elsewhere (--emit-jobs) from it.

namespace gilsim::sweep {

void write_plan_json(std::ostream& out, const SweepPlan& plan) {
  using json::quote;
  auto string_list = [&](const std::vector<std::string>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + quote(items[i]);
    return text + "]";
  };
  auto int_list = [&](const std::vector<int>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + std::to_string(items[i]);
    return text + "]";
  };
  out << "{\n  \"gilsim_sweep\": 1,\n";
  out << "  \"scenario\": " << quote(plan.scenario) << ",\n";
  out << "  \"scenario_name\": " << quote(plan.scenario_name) << ",\n";
  out << "  \"gilsim\": " << quote(plan.gilsim) << ",\n";
  if (plan.seeds > 0) out << "  \"seeds\": " << plan.seeds << ",\n";  // absent without --seeds
  out << "  \"axes\": {\n";
  out << "    \"strategy\": " << string_list(plan.strategies) << ",\n";
  out << "    \"cores\": " << int_list(plan.cores) << ",\n";
  out << "    \"listed_cores\": " << int_list(plan.listed_cores) << ",\n";
  out << "    \"smt\": " << int_list(plan.smt) << ",\n";
  out << "    \"switch_interval\": " << string_list(plan.switch_intervals) << ",\n";
  out << "    \"set\": [";
  for (std::size_t i = 0; i < plan.sets.size(); ++i)
    out << (i ? ", " : "") << "{\"key\": " << quote(plan.sets[i].key) << ", \"values\": " << string_list(plan.sets[i].values) << "}";
  out << "]\n  },\n";
  out << "  \"configurations\": [";
  for (std::size_t i = 0; i < plan.configs.size(); ++i) {
    const SweepConfig& c = plan.configs[i];
    out << (i ? ",\n" : "\n") << "    {\"key\": " << quote(c.key) << ", \"strategy\": " << quote(c.strategy)
        << ", \"cores\": " << c.cores << ", \"smt\": " << c.smt << ", \"switch_interval\": " << quote(c.switch_interval)
        << ", \"set\": " << string_list(c.set_values) << ", \"params\": " << c.params
        << ", \"baseline_only\": " << (c.baseline_only ? "true" : "false") << ", \"args\": " << string_list(c.run_args)
        << ", \"error\": " << quote(c.error) << "}";
  }
  out << "\n  ]\n}\n";
}

SweepPlan read_plan_json(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ScenarioError(path, "cannot open the sweep description (is the directory from 'gilsim sweep --out DIR' or --emit-jobs?)");
  } catch (const YAML::Exception& e) {
    throw ScenarioError(path, "not a valid sweep description: " + e.msg);
  }
  try {
    if (!root["gilsim_sweep"] || root["gilsim_sweep"].as<int>() != 1)
      throw ScenarioError(path, "not a gilsim sweep description (no \"gilsim_sweep\": 1)");
    SweepPlan plan;
    plan.scenario = root["scenario"].as<std::string>();
    plan.scenario_name = root["scenario_name"].as<std::string>();
    plan.gilsim = root["gilsim"].as<std::string>();
    if (root["seeds"]) plan.seeds = root["seeds"].as<int>();
    const YAML::Node axes = root["axes"];
    plan.strategies = axes["strategy"].as<std::vector<std::string>>();
    plan.cores = axes["cores"].as<std::vector<int>>();
    plan.listed_cores = axes["listed_cores"].as<std::vector<int>>();
    plan.smt = axes["smt"].as<std::vector<int>>();
    plan.switch_intervals = axes["switch_interval"].as<std::vector<std::string>>();
    for (const auto& s : axes["set"]) plan.sets.push_back({s["key"].as<std::string>(), s["values"].as<std::vector<std::string>>()});
    plan.param_count = 1;
    if (!plan.smt.empty()) plan.param_count *= plan.smt.size();
    if (!plan.switch_intervals.empty()) plan.param_count *= plan.switch_intervals.size();
    for (const SetAxis& a : plan.sets) plan.param_count *= a.values.size();
    for (const auto& n : root["configurations"]) {
      SweepConfig c;
      c.key = n["key"].as<std::string>();
      c.strategy = n["strategy"].as<std::string>();
      c.cores = n["cores"].as<int>();
      c.smt = n["smt"].as<int>();
      c.switch_interval = n["switch_interval"].as<std::string>();
      c.set_values = n["set"].as<std::vector<std::string>>();
      c.params = n["params"].as<std::size_t>();
      c.baseline_only = n["baseline_only"].as<bool>();
      c.run_args = n["args"].as<std::vector<std::string>>();
      c.error = n["error"].as<std::string>();
      if (c.key.empty() || c.key.find('/') != std::string::npos || c.params >= plan.param_count ||
          c.set_values.size() != plan.sets.size())
        throw ScenarioError(path, "not a valid sweep description: bad configuration '" + c.key + "'");
      plan.configs.push_back(std::move(c));
    }
    return plan;
  } catch (const YAML::Exception& e) {
    throw ScenarioError(path, "not a valid sweep description: " + e.msg);
  }
}

std::string result_path(const std::string& dir, const SweepConfig& config) { return dir + "/runs/" + config.key + ".json"; }
std::string error_path(const std::string& dir, const SweepConfig& config) { return dir + "/runs/" + config.key + ".err"; }
std::string temp_path(const std::string& dir, const SweepConfig& config) { return dir + "/runs/" + config.key + ".json.tmp"; }

}  // namespace gilsim::sweep
