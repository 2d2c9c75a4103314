// libFuzzer target: the scenario loader (YAML text to scenarios), then what runs before a
// simulation starts: the workload layout and the export JSON. Any outcome but a scenario or a
// ScenarioError (a crash, a sanitizer report, another exception, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/scenario/WorkloadLayout.hpp"
#include "sim/util/ScenarioError.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const gilsim::Scenario& scenario : gilsim::load_scenarios_text("fuzz.yaml", text, {})) {
      const gilsim::WorkloadLayout layout(scenario);
      std::ostringstream json;
      gilsim::write_scenario_json(json, scenario);
    }
  } catch (const gilsim::ScenarioError&) {
    // A refused input: what the loader must do with anything it cannot accept.
  }
  return 0;
}
