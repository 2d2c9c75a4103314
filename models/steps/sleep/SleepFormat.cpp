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
  const Latency latency = read_latency(r.values, value, path);
  return {SleepStep{latency}, "sleep " + latency.describe()};
}

// A fixed sleep keeps its "seconds" (what scripts/record.py reads); a drawn one is written as
// io's latency.
void write_step(std::ostream& out, const SleepStep& step, const std::string&) {
  out << "\"kind\": \"sleep\", ";
  if (step.latency.kind == Latency::Kind::Fixed) out << "\"seconds\": " << json::seconds(step.latency.a) << "}";
  else out << "\"latency\": " << latency_json(step.latency) << "}";
}

}  // namespace gilsim
