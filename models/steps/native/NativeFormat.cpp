#include "models/steps/native/NativeStep.hpp"

#include <ostream>

#include "sim/loader/Limits.hpp"
#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `native` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<NativeStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  const ValueReader& values = r.values;
  NativeStep native;
  if (value.IsMap()) {
    MapReader map(values.source, value, path);
    native.seconds = values.duration(map.require("time"), map.path_of("time"));
    if (auto t = map.get("threads"); t.IsDefined())
      native.threads = static_cast<int>(values.integer(t, map.path_of("threads"), 1, limits::kMaxNativeThreads));
    map.reject_unknown_keys();
  } else {
    native.seconds = values.duration(value, path);
  }
  return {native, "native " + format_duration(native.seconds) +
                      (native.threads > 1 ? " x" + std::to_string(native.threads) : "")};
}

void write_step(std::ostream& out, const NativeStep& step, const std::string&) {
  out << "\"kind\": \"native\", \"seconds\": " << json::seconds(step.seconds) << ", \"threads\": " << step.threads
      << "}";
}

}  // namespace gilsim
