#include "models/steps/sleep/SleepStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `sleep` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<SleepStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  const double s = r.values.duration(value, path, true);
  return {SleepStep{s}, "sleep " + format_duration(s)};
}

void write_step(std::ostream& out, const SleepStep& step, const std::string&) {
  out << "\"kind\": \"sleep\", \"seconds\": " << json::seconds(step.seconds) << "}";
}

}  // namespace gilsim
