#include "models/steps/run_in_executor/RunInExecutorStep.hpp"

#include <optional>
#include <ostream>

#include "models/steps/StepTree.hpp"
#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"

// How `run_in_executor` steps are read from YAML and exported as JSON (docs/trace-format.md):
// `run_in_executor: [steps]`, or `{steps: [...], input, output, objects}` with the pickled
// arguments and result a process pool moves.

namespace gilsim {

Step read_step(StepTag<RunInExecutorStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  if (!r.in_coroutine)
    r.values.source.fail(key, path, "run_in_executor is a coroutine step: use it in an asyncio step's program");
  RunInExecutorStep offload;
  std::optional<MapReader> map;
  if (value.IsMap()) {
    map.emplace(r.values.source, value, path);
    offload.payload = read_payload(r.values, *map);
  }
  // Not assigned: assigning a YAML::Node writes through to the node it refers to.
  const YAML::Node steps = map ? map->require("steps") : value;
  const std::string steps_path = map ? map->path_of("steps") : path;
  r.in_coroutine = false;
  offload.work = r.read_program(steps, steps_path, depth + 1);
  r.in_coroutine = true;
  for (std::size_t i = 0; i < offload.work.size(); ++i)
    if (!is_leaf(offload.work[i]))
      r.values.source.fail(steps[i], steps_path + "[" + std::to_string(i) + "]",
                           "the blocking function's steps must be cpu, io, sleep or native");
  if (map) map->reject_unknown_keys();
  return {std::move(offload), "run_in_executor"};
}

void write_step(std::ostream& out, const RunInExecutorStep& step, const std::string& pad) {
  out << "\"kind\": \"run_in_executor\", ";
  const Payload& p = step.payload;
  if (p.input_bytes > 0 || p.output_bytes > 0 || p.objects > 0)  // only a process pool pickles them
    out << "\"input_bytes\": " << json::number(p.input_bytes, 0) << ", \"output_bytes\": "
        << json::number(p.output_bytes, 0) << ", \"objects\": " << json::number(p.objects, 0) << ", ";
  out << "\"steps\": ";
  write_program_json(out, step.work, pad + "  ");
  out << "}";
}

}  // namespace gilsim
