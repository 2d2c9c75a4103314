#include "sim/validation/HostCheck.hpp"

#include <fstream>

#include <yaml-cpp/yaml.h>

#include "sim/util/ScenarioError.hpp"

namespace gilsim {

const char* const kHostFacts[] = {"cpu_model",      "logical_cpus",      "physical_cores", "threads_per_core",
                                  "python_executable", "python_version", "python_cflags",  "python_config_sha1"};
const std::size_t kHostFactCount = sizeof kHostFacts / sizeof kHostFacts[0];

std::map<std::string, std::string> read_profile_host(const std::string& profile) {
  std::ifstream in(profile);
  if (!in) throw ScenarioError(profile, "cannot open the machine profile");
  std::map<std::string, std::string> host;
  try {
    const YAML::Node root = YAML::Load(in);
    const YAML::Node node = root["host"];
    if (node && node.IsMap())
      for (const auto& entry : node) host[entry.first.as<std::string>()] = entry.second.IsScalar() ? entry.second.Scalar() : "";
  } catch (const YAML::Exception& e) {
    throw ScenarioError(profile, std::string("not a valid machine profile: ") + e.what());
  }
  return host;
}

std::vector<std::string> host_mismatches(const std::map<std::string, std::string>& profile,
                                         const std::map<std::string, std::string>& trace) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kHostFactCount; ++i) {
    const std::string fact = kHostFacts[i];
    auto p = profile.find(fact);
    auto t = trace.find(fact);
    if (p != profile.end() && t != trace.end() && p->second == t->second) continue;
    out.push_back(fact + ": trace '" + (t == trace.end() ? "(none)" : t->second) + "', profile '" +
                  (p == profile.end() ? "(none)" : p->second) + "'");
  }
  return out;
}

}  // namespace gilsim
