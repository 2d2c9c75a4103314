#pragma once
#include <map>
#include <string>
#include <vector>

namespace gilsim {

// The facts a measured trace and the machine profile it is simulated with must share: the same
// CPU, topology and interpreter (path, version, build flags). A trace from another host or
// interpreter compared with this profile would validate nothing (README "The validation suite").
extern const char* const kHostFacts[];
extern const std::size_t kHostFactCount;

// The host section of a profile written by scripts/record.py calibrate; throws ScenarioError.
std::map<std::string, std::string> read_profile_host(const std::string& profile);

// "FACT: trace 'X', profile 'Y'" for every fact that differs or that either side lacks.
std::vector<std::string> host_mismatches(const std::map<std::string, std::string>& profile,
                                         const std::map<std::string, std::string>& trace);

}  // namespace gilsim
