#include "models/steps/repeat/RepeatStep.hpp"

#include <ostream>

#include "sim/loader/Limits.hpp"
#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `repeat` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<RepeatStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  const ValueReader& values = r.values;
  r.check_nesting(key, path, depth, "repeat");
  MapReader map(values.source, value, path);
  RepeatStep repeat;
  repeat.count = values.integer(map.require("count"), map.path_of("count"), 1, limits::kMaxRepeat);
  repeat.body = r.read_balanced_body(map, key, path, depth, "the repeated steps", "an iteration");
  map.reject_unknown_keys();
  const std::string label = "repeat x" + std::to_string(repeat.count);
  return {std::move(repeat), label};
}

void write_step(std::ostream& out, const RepeatStep& step, const std::string& pad) {
  out << "\"kind\": \"repeat\", \"count\": " << step.count << ", \"steps\": ";
  write_program_json(out, step.body, pad + "  ");
  out << "}";
}

}  // namespace gilsim
