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
  const ValueReader& values = r.values;
  CpuStep cpu;
  if (value.IsMap()) {
    MapReader map(values.source, value, path);
    cpu.seconds = values.duration(map.require("time"), map.path_of("time"));
    if (auto n = map.get("eval_breaker"); n.IsDefined()) cpu.eval_breaker = values.boolean(n, map.path_of("eval_breaker"));
    map.reject_unknown_keys();
  } else {
    cpu.seconds = values.duration(value, path);
  }
  return {cpu, "cpu " + format_duration(cpu.seconds)};
}

void write_step(std::ostream& out, const CpuStep& step, const std::string&) {
  out << "\"kind\": \"cpu\", \"seconds\": " << json::seconds(step.seconds);
  if (!step.eval_breaker) out << ", \"eval_breaker\": false";  // only when set: older readers never see it
  out << "}";
}

}  // namespace gilsim
