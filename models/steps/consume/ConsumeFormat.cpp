#include "models/steps/consume/ConsumeStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `consume` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<ConsumeStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  const ValueReader& values = r.values;
  r.check_nesting(key, path, depth, "steps");
  MapReader map(values.source, value, path);
  ConsumeStep consume;
  consume.channel = r.read_channel_name(map.require("channel"), map.path_of("channel"));
  consume.body = r.read_balanced_body(map, key, path, depth, "the steps", "a message");
  map.reject_unknown_keys();
  const std::string label = "consume " + consume.channel;
  return {std::move(consume), label};
}

void write_step(std::ostream& out, const ConsumeStep& step, const std::string& pad) {
  out << "\"kind\": \"consume\", \"channel\": " << json::quote(step.channel) << ", \"steps\": ";
  write_program_json(out, step.body, pad + "  ");
  out << "}";
}

}  // namespace gilsim
