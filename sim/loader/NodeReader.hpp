#pragma once
#include <cstdint>
#include <set>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/loader/YamlSource.hpp"
#include "sim/scenario/StartMethod.hpp"

namespace gilsim {

// Reads one YAML mapping, remembering which keys were consumed so that any other key is
// reported as unknown, with the list of keys that are accepted.
class MapReader {
 public:
  MapReader(const YamlSource& source, const YAML::Node& node, std::string path);

  YAML::Node get(const std::string& key);      // undefined node when absent
  YAML::Node require(const std::string& key);  // error when absent
  std::string path_of(const std::string& key) const;
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  // Call after every get/require: rejects keys nobody asked for.
  void reject_unknown_keys() const;

 private:
  const YamlSource& source_;
  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

// Scalar readers: each checks type, unit and range and fails with file:line:col otherwise.
struct ValueReader {
  const YamlSource& source;
  // multiprocessing's default start method for pools and strategies that name none: the
  // scenario's runtime.python decides it (README "Python versions").
  StartMethod default_start_method = StartMethod::Fork;

  // A name or other one-line text (no control characters); text() also allows line breaks.
  std::string string(const YAML::Node& node, const std::string& path) const;
  std::string text(const YAML::Node& node, const std::string& path) const;
  int64_t integer(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
                  const std::string& limit_note = "") const;
  double number(const YAML::Node& node, const std::string& path, double min, double max) const;
  // Strictly positive unless allow_zero.
  double duration(const YAML::Node& node, const std::string& path, bool allow_zero = false) const;
  // A size with a unit ('64KiB') in bytes, within [min, max]; `range` says why, as in
  // "from 4KiB (one page) to 1GiB".
  double size(const YAML::Node& node, const std::string& path, double min, double max, const std::string& range) const;
  uint64_t seed(const YAML::Node& node, const std::string& path) const;
  bool boolean(const YAML::Node& node, const std::string& path) const;  // true or false
  void expect_sequence(const YAML::Node& node, const std::string& path) const;

 private:
  std::string checked_text(const YAML::Node& node, const std::string& path, bool line_breaks) const;
};

std::string describe_node(const YAML::Node& node);

}  // namespace gilsim
