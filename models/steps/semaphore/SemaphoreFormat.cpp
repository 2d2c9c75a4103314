#include "models/steps/semaphore/SemaphoreStep.hpp"

#include <algorithm>
#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"

// How `acquire` and `release` steps are read from YAML and exported as JSON
// (docs/trace-format.md). As with locks, each thread (coroutine) releases what it acquired: the
// loader follows the semaphores held along the program, so a release without an acquire (which
// BoundedSemaphore.release() refuses with ValueError) is a load-time error, never a run-time one.

namespace gilsim {
namespace {

// The semaphore a step names: in a thread, one of workload.semaphores; in a coroutine, one of its
// asyncio step's semaphores.
const SemaphoreSpec& find_semaphore(const StepReading& r, const YAML::Node& value, const std::string& path,
                                    const std::string& name) {
  const std::vector<SemaphoreSpec> none;
  const std::vector<SemaphoreSpec>& own = r.in_coroutine ? r.loop_semaphores : (r.semaphores ? *r.semaphores : none);
  std::string known;
  for (const SemaphoreSpec& s : own) {
    if (s.name == name) return s;
    known += (known.empty() ? "" : ", ") + s.name;
  }
  known = known.empty() ? "there are none" : "semaphores: " + known;
  if (!r.in_coroutine)
    r.values.source.fail(value, path, "no semaphore named '" + name + "' in workload.semaphores (" + known + ")");
  bool threading = false;
  if (r.semaphores)
    for (const SemaphoreSpec& s : *r.semaphores) threading |= s.name == name;
  r.values.source.fail(value, path, "no asyncio semaphore named '" + name + "' in this asyncio step's semaphores (" +
                                        known + ")" +
                                        (threading ? "; '" + name + "' of workload.semaphores is a threading.Semaphore, "
                                                     "whose blocking acquire() in a coroutine is not modelled"
                                                   : ""));
}

}  // namespace

Step read_step(StepTag<SemaphoreStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)depth;
  const std::string kind = key.Scalar();
  const std::string name = r.values.string(value, path);
  if (name.empty()) r.values.source.fail(value, path, "expected a semaphore name");
  const SemaphoreSpec& semaphore = find_semaphore(r, value, path, name);
  const std::string python = std::string(r.in_coroutine ? "asyncio." : "threading.") +
                             (semaphore.bounded ? "BoundedSemaphore" : "Semaphore");
  HeldLocks& held = r.held_semaphores;
  const auto holding = std::count(held.begin(), held.end(), name);
  if (kind == "acquire") {
    if (holding >= semaphore.value)
      r.values.source.fail(value, path, "this " + std::string(r.holder()) + " already holds " + python + " '" + name +
                                            "' " + std::to_string(holding) + " time(s), its whole value (" +
                                            std::to_string(semaphore.value) + "): this acquire would block for ever");
    held.push_back(name);
  } else {
    if (holding == 0)
      r.values.source.fail(value, path, "release of " + python + " '" + name + "', which this " + r.holder() +
                                            " has not acquired here (expected an 'acquire: " + name + "' step before it" +
                                            (semaphore.bounded ? "; BoundedSemaphore.release() would raise ValueError: "
                                                                 "released too many times)"
                                                               : "; here a semaphore bounds how many hold it, so each "
                                                                 "release follows its holder's acquire)"));
    held.erase(std::find(held.rbegin(), held.rend(), name).base() - 1);
  }
  return {SemaphoreStep{name, kind == "acquire"}, kind + " " + name};
}

void write_step(std::ostream& out, const SemaphoreStep& step, const std::string&) {
  out << "\"kind\": \"" << step.kind() << "\", \"semaphore\": " << json::quote(step.semaphore) << "}";
}

}  // namespace gilsim
