#include "models/steps/serve/ServeStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"

// How `serve` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<ServeStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  r.check_nesting(key, path, depth, "steps");
  MapReader map(r.values.source, value, path);
  ServeStep serve;
  const RequestSpec& source = r.read_request_source(map.require("requests"), map.path_of("requests"));
  serve.requests = source.name;
  serve.count = source.count;
  serve.body = r.read_balanced_body(map, key, path, depth, "the steps", "a request");
  map.reject_unknown_keys();
  const std::string label = "serve " + serve.requests;
  return {std::move(serve), label};
}

void write_step(std::ostream& out, const ServeStep& step, const std::string& pad) {
  out << "\"kind\": \"serve\", \"requests\": " << json::quote(step.requests) << ", \"steps\": ";
  write_program_json(out, step.body, pad + "  ");
  out << "}";
}

}  // namespace gilsim
