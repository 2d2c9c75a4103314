#include "models/steps/get/GetStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `get` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<GetStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  return {GetStep{r.read_channel_name(value, path)}, "get " + value.Scalar()};
}

void write_step(std::ostream& out, const GetStep& step, const std::string&) {
  out << "\"kind\": \"get\", \"channel\": " << json::quote(step.channel) << "}";
}

}  // namespace gilsim
