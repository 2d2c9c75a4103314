#pragma once
#include <string>

#include <yaml-cpp/yaml.h>

namespace gilsim {

// A scenario or machine profile file as a YAML mapping: read within the size limit
// (InputFile.hpp), checked for what yaml-cpp would let pass (YamlGuard.hpp: a second document,
// duplicate keys, aliases expanding past the node limit), then parsed. `what` names the file in
// messages ("scenario file"). Throws ScenarioError with file:line:col.
YAML::Node load_yaml_file(const std::string& file, const char* what);
// The same for text already read; `file` names it in messages.
YAML::Node load_yaml_text(const std::string& file, const std::string& text);

}  // namespace gilsim
