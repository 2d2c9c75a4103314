#pragma once
#include <yaml-cpp/yaml.h>

#include "sim/loader/ScenarioLoader.hpp"
#include "sim/loader/YamlSource.hpp"

namespace gilsim {

// Applies one --set (or --cores, ...) override to a variant's tree: `o.key` is a path of mapping
// keys and [i] list items; the value is YAML text, checked like a file's (YamlGuard.hpp) and
// registered in `source` so that errors about it name the option. A path through a value that is
// not a mapping, an index beyond the list or beyond 10^9, or an empty value is a ScenarioError
// against the option.
void apply_override(YAML::Node root, const Override& o, YamlSource& source);

}  // namespace gilsim
