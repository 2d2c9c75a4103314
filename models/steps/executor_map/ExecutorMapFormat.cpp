#include "models/steps/executor_map/ExecutorMapStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/util/JsonWriter.hpp"

// How `executor_map` steps (made by the processes strategy with api: executor, never read from
// YAML) are exported as JSON (docs/trace-format.md).

namespace gilsim {

void write_step(std::ostream& out, const ExecutorMapStep& step, const std::string& pad) {
  out << "\"kind\": \"executor_map\", \"workers\": " << step.pool.workers << ", \"start_method\": \""
      << start_method_name(step.pool.start_method) << "\", \"tasks\": " << step.tasks
      << ", \"chunksize\": " << step.chunksize << ", \"input_bytes\": " << json::number(step.payload.input_bytes, 0)
      << ", \"output_bytes\": " << json::number(step.payload.output_bytes, 0)
      << ", \"objects\": " << json::number(step.payload.objects, 0) << ", \"steps\": ";
  write_program_json(out, step.program, pad + "  ");
  out << "}";
}

}  // namespace gilsim
