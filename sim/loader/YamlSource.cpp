#include "sim/loader/YamlSource.hpp"

#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

bool contains(const YAML::Node& tree, const YAML::Node& node) {
  if (tree.is(node)) return true;
  if (tree.IsMap()) {
    for (const auto& entry : tree)
      if (contains(entry.first, node) || contains(entry.second, node)) return true;
  } else if (tree.IsSequence()) {
    for (const auto& item : tree)
      if (contains(item, node)) return true;
  }
  return false;
}

}  // namespace

void YamlSource::register_override(const YAML::Node& value, const std::string& origin) {
  overrides_.push_back({value, origin});
}

std::string YamlSource::where(const YAML::Node& node) const {
  for (const auto& o : overrides_)
    if (node.IsDefined() && contains(o.value, node)) return o.origin;
  if (!node.IsDefined() || node.Mark().is_null())
    return document_.IsDefined() && !document_.Mark().is_null() ? where(document_) : file_;
  return file_ + ":" + std::to_string(node.Mark().line + 1) + ":" +
         std::to_string(node.Mark().column + 1);
}

void YamlSource::fail(const YAML::Node& node, const std::string& path,
                      const std::string& message) const {
  throw ScenarioError(where(node), path.empty() ? message : path + ": " + message);
}

}  // namespace gilsim
