#include "models/steps/io/IoStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `io` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<IoStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  const Latency latency = read_latency(r.values, value, path);
  return {IoStep{latency}, "io " + latency.describe()};
}

void write_step(std::ostream& out, const IoStep& step, const std::string&) {
  out << "\"kind\": \"io\", \"latency\": " << latency_json(step.latency) << "}";
}

}  // namespace gilsim
