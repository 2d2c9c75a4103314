#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include <yaml-cpp/mark.h>

namespace gilsim {

// What yaml-cpp would accept silently but a scenario must not: a second document, a key given
// twice in one mapping (yaml-cpp keeps the first), and aliases that expand to more nodes than
// the loader should walk (an "alias bomb": ten aliases of ten aliases of ... is 10^k nodes in a
// few lines). One streaming pass over the parser's events, counting every alias as the size of
// the node it repeats, before anything is built.
struct YamlProblem {
  YAML::Mark mark;
  std::string message;
};

// Returns the first problem of `text`, if any. Syntax errors are left to YAML::Load, which
// reports them with their position (this pass stops at them without a problem).
std::optional<YamlProblem> check_yaml_structure(const std::string& text, std::size_t max_nodes);

}  // namespace gilsim
