#include "sim/loader/YamlDocument.hpp"

#include "sim/loader/Limits.hpp"
#include "sim/loader/NodeReader.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/loader/YamlGuard.hpp"
#include "sim/loader/YamlSource.hpp"
#include "sim/util/InputFile.hpp"

namespace gilsim {

YAML::Node load_yaml_file(const std::string& file, const char* what) {
  return load_yaml_text(file, read_input_file(file, {what, limits::kMaxScenarioBytes}));
}

YAML::Node load_yaml_text(const std::string& file, const std::string& text) {
  if (const auto problem = check_yaml_structure(text, limits::kMaxYamlNodes))
    throw ScenarioError(file + ":" + std::to_string(problem->mark.line + 1) + ":" + std::to_string(problem->mark.column + 1),
                        problem->message);
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) {
      YamlSource source(file);
      source.fail(root, "", "expected a scenario: a mapping with keys name, machine, runtime, workload, variants; got " +
                                describe_node(root));
    }
    return root;
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                        "not valid YAML: " + e.msg);
  }
}


}  // namespace gilsim
