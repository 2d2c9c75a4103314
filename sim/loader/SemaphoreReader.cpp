#include "sim/loader/SemaphoreReader.hpp"

#include <cstdlib>

namespace gilsim {

std::vector<SemaphoreSpec> read_semaphore_specs(const ValueReader& values, const YAML::Node& node,
                                                const std::string& path, const std::string& python_class) {
  std::vector<SemaphoreSpec> semaphores;
  if (!node.IsDefined()) return semaphores;
  values.expect_sequence(node, path);
  for (std::size_t i = 0; i < node.size(); ++i) {
    MapReader map(values.source, node[i], path + "[" + std::to_string(i) + "]");
    SemaphoreSpec semaphore;
    YAML::Node name = map.require("name");
    semaphore.name = values.string(name, map.path_of("name"));
    if (semaphore.name.empty()) values.source.fail(name, map.path_of("name"), "expected a semaphore name");
    for (const SemaphoreSpec& s : semaphores)
      if (s.name == semaphore.name)
        values.source.fail(name, map.path_of("name"), "duplicate semaphore name '" + s.name + "'");
    if (YAML::Node value = map.get("value"); value.IsDefined()) {
      // Python accepts 0 (a semaphore used as a signal), but here every holder releases what it
      // acquired: a semaphore of 0 would block its first acquire for ever.
      if (value.IsScalar() && (value.Scalar() == "0" || value.Scalar().rfind('-', 0) == 0))
        values.source.fail(value, map.path_of("value"),
                           "expected how many may hold " + python_class + " '" + semaphore.name +
                               "' at once, at least 1, got " + value.Scalar() +
                               " (its acquire would block for ever: threads and coroutines here release only "
                               "what they acquired)");
      semaphore.value = values.integer(value, map.path_of("value"), 1, 1000000000);
    }
    if (YAML::Node bounded = map.get("bounded"); bounded.IsDefined())
      semaphore.bounded = values.boolean(bounded, map.path_of("bounded"));
    map.reject_unknown_keys();
    semaphores.push_back(semaphore);
  }
  return semaphores;
}

}  // namespace gilsim
