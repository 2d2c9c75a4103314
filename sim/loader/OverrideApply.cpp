#include "sim/loader/OverrideApply.hpp"

#include <string>
#include <vector>

#include "sim/loader/Limits.hpp"
#include "sim/loader/NodeReader.hpp"
#include "sim/loader/YamlGuard.hpp"
#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

struct PathSegment {
  std::string key;
  int index = -1;  // >= 0 when the segment is "key[index]"
};

std::vector<PathSegment> split_path(const Override& o) {
  std::vector<PathSegment> segments;
  std::size_t start = 0;
  while (start <= o.key.size()) {
    std::size_t dot = o.key.find('.', start);
    std::string part = o.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    PathSegment segment;
    std::size_t bracket = part.find('[');
    segment.key = part.substr(0, bracket);
    if (bracket != std::string::npos) {
      std::size_t close = part.find(']', bracket);
      std::string digits = part.substr(bracket + 1, close == std::string::npos ? 0 : close - bracket - 1);
      if (close != part.size() - 1 || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        throw ScenarioError(o.origin, "'" + o.key + "': expected a path such as 'workload.processes[0].count'");
      // No list of a loadable scenario comes near 10^9 items (README "Limits").
      if (digits.size() > 9)
        throw ScenarioError(o.origin, "'" + o.key + "': list index " + digits + " is out of range");
      segment.index = std::stoi(digits);
    }
    if (segment.key.empty())
      throw ScenarioError(o.origin, "'" + o.key + "': expected a path such as 'machine.cores'");
    segments.push_back(segment);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

// Finds the value under `key` in a map, or adds a null entry for it.
YAML::Node child_of(YAML::Node map, const std::string& key, const Override& o) {
  if (!map.IsMap()) throw ScenarioError(o.origin, "'" + o.key + "': '" + key + "' is not inside a mapping");
  for (auto entry : map)
    if (entry.first.Scalar() == key) return entry.second;
  map.force_insert(key, YAML::Node(YAML::NodeType::Map));
  return child_of(map, key, o);
}

}  // namespace

void apply_override(YAML::Node root, const Override& o, YamlSource& source) {
  YAML::Node value(YAML::NodeType::Undefined);
  if (o.value.find_first_not_of(" \t") == std::string::npos)
    throw ScenarioError(o.origin, o.key + ": expected a value, got nothing");
  if (const auto problem = check_yaml_structure(o.value, limits::kMaxYamlNodes))
    throw ScenarioError(o.origin, "value '" + o.value + "': " + problem->message);
  try {
    value.reset(YAML::Load(o.value));
  } catch (const YAML::Exception& e) {
    throw ScenarioError(o.origin, "value '" + o.value + "' is not valid YAML: " + e.msg);
  }
  source.register_override(value, o.origin);
  std::vector<PathSegment> segments = split_path(o);
  YAML::Node parent = root;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const PathSegment& s = segments[i];
    const bool last = i + 1 == segments.size();
    if (last && s.index < 0) {
      if (!parent.IsMap() && !parent.IsNull())
        throw ScenarioError(o.origin, "'" + o.key + "': cannot set '" + s.key + "' inside " + describe_node(parent) +
                                          "; expected a path through mappings");
      for (auto entry : parent)
        if (entry.first.Scalar() == s.key) {
          entry.second = value;
          return;
        }
      YAML::Node key(s.key);
      source.register_override(key, o.origin);  // an unknown key is then reported against --set
      parent.force_insert(key, value);
      return;
    }
    YAML::Node node = child_of(parent, s.key, o);
    if (s.index >= 0) {
      if (!node.IsSequence() || static_cast<std::size_t>(s.index) >= node.size())
        throw ScenarioError(o.origin, "'" + o.key + "': " + s.key + "[" + std::to_string(s.index) +
                                          "] does not exist (the list has " +
                                          std::to_string(node.IsSequence() ? node.size() : 0) + " items)");
      if (last) {
        node[s.index] = value;
        return;
      }
      node.reset(node[s.index]);  // reset() rebinds; operator= would overwrite the node's data
    }
    parent.reset(node);
  }
}

}  // namespace gilsim
