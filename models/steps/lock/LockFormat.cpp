#include "models/steps/lock/LockStep.hpp"

#include <algorithm>
#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `lock` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<LockStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)depth;
  const ValueReader& values = r.values;
  const std::string kind = key.Scalar();
  const std::string name = values.string(value, path);
  if (name.empty()) values.source.fail(value, path, "expected a lock name");
  HeldLocks& held = r.held;
  auto it = std::find(held.begin(), held.end(), name);
  if (kind == "lock") {
    if (it != held.end())
      values.source.fail(value, path, "lock '" + name + "' is already held by this " + r.holder() + " here; " +
                                          r.lock_type() + " is not re-entrant, so this would deadlock");
    held.push_back(name);
  } else {
    if (it == held.end())
      values.source.fail(value, path, "unlock of '" + name + "', which this " + r.holder() + " does not hold "
                                      "here (expected a 'lock: " + name + "' step before it)");
    held.erase(it);
  }
  return {LockStep{name, kind == "lock"}, kind + " " + name};
}

void write_step(std::ostream& out, const LockStep& step, const std::string&) {
  out << "\"kind\": \"" << step.kind() << "\", \"lock\": " << json::quote(step.lock) << "}";
}

}  // namespace gilsim
