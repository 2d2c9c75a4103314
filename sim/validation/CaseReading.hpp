#pragma once
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/loader/NodeReader.hpp"
#include "sim/validation/CaseFile.hpp"

namespace gilsim {

// Pieces of the case file reader shared by its parts (CaseFile.cpp, MetricReader.cpp).

// A fraction written as '5%' or 0.05 (signed when `allow_negative`).
double read_fraction(const ValueReader& values, const YAML::Node& node, const std::string& path, bool allow_negative);

// A list of strings, or one string as a list of one.
std::vector<std::string> read_strings(const ValueReader& values, const YAML::Node& node, const std::string& path);

// The item's `name`, which no earlier item of `items` has.
template <typename Item>
std::string unique_name(const ValueReader& values, MapReader& map, const YAML::Node& node, const std::vector<Item>& items,
                        const std::string& what) {
  const std::string name = values.string(map.require("name"), map.path_of("name"));
  for (const Item& other : items)
    if (other.name == name) values.source.fail(node, map.path_of("name"), "duplicate " + what + " '" + name + "'");
  return name;
}

// metrics: [...], checked against the (expanded) runs.
std::vector<MetricSpec> read_metrics(const ValueReader& values, const YAML::Node& node, const CaseFile& file);

}  // namespace gilsim
