#pragma once
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace gilsim {

// Knows where every node of a scenario came from, so errors can point at it: a line and column
// of the scenario file, or the command-line override that supplied it.
class YamlSource {
 public:
  explicit YamlSource(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // Nodes assembled while merging variants have no position; errors on them point here.
  void set_document(const YAML::Node& root) { document_.reset(root); }
  void register_override(const YAML::Node& value, const std::string& origin);
  std::string where(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const;

 private:
  struct OverrideOrigin {
    YAML::Node value;
    std::string origin;
  };
  std::string file_;
  YAML::Node document_{YAML::NodeType::Undefined};
  std::vector<OverrideOrigin> overrides_;
};

}  // namespace gilsim
