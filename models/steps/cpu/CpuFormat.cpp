#include "models/steps/cpu/CpuStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `cpu` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<CpuStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  const double s = r.values.duration(value, path);
  return {CpuStep{s}, "cpu " + format_duration(s)};
}

void write_step(std::ostream& out, const CpuStep& step, const std::string&) {
  out << "\"kind\": \"cpu\", \"seconds\": " << json::seconds(step.seconds) << "}";
}

}  // namespace gilsim
