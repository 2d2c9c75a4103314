#include "sim/loader/NodeReader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "sim/util/NumberSyntax.hpp"
#include "sim/util/TextSafety.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "nothing";
    default: return "nothing";
  }
}

MapReader::MapReader(const YamlSource& source, const YAML::Node& node, std::string path)
    : source_(source), node_(node), path_(std::move(path)) {
  if (!node_.IsMap())
    source_.fail(node_, path_, "expected a mapping of keys to values, got " + describe_node(node_));
}

std::string MapReader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

YAML::Node MapReader::get(const std::string& key) {
  known_.insert(key);
  for (const auto& entry : node_)
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::require(const std::string& key) {
  YAML::Node value = get(key);
  if (!value.IsDefined()) source_.fail(node_, path_, "missing required key '" + key + "'");
  return value;
}

void MapReader::reject_unknown_keys() const {
  for (const auto& entry : node_) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
    if (known_.count(key)) continue;
    std::string accepted;
    for (const auto& k : known_) accepted += (accepted.empty() ? "" : ", ") + k;
    source_.fail(entry.first, path_of(key), "unknown key; expected one of: " + accepted);
  }
}

std::string ValueReader::string(const YAML::Node& node, const std::string& path) const {
  return checked_text(node, path, false);
}

std::string ValueReader::text(const YAML::Node& node, const std::string& path) const {
  return checked_text(node, path, true);
}

// Names are printed in reports and terminals and name output files: no control characters,
// terminal escapes or bidirectional overrides (TextSafety.hpp).
std::string ValueReader::checked_text(const YAML::Node& node, const std::string& path, bool line_breaks) const {
  if (!node.IsScalar()) source.fail(node, path, "expected a string, got " + describe_node(node));
  if (const auto unsafe = find_unsafe_character(node.Scalar(), line_breaks))
    source.fail(node, path, std::string("expected text without control characters") +
                                (line_breaks ? " other than line breaks and tabs" : "") +
                                ", escapes, bidirectional overrides or bytes that are not UTF-8; got " +
                                describe_unsafe(*unsafe));
  return node.Scalar();
}

int64_t ValueReader::integer(const YAML::Node& node, const std::string& path, int64_t min,
                             int64_t max, const std::string& limit_note) const {
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar()) source.fail(node, path, "expected " + range + ", got " + describe_node(node));
  const std::string& text = node.Scalar();
  if (!is_integer_text(text)) source.fail(node, path, "expected " + range + ", got '" + text + "'");
  errno = 0;
  long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < min || value > max)
    source.fail(node, path,
                "expected " + range + ", got " + text + (limit_note.empty() ? "" : " (" + limit_note + ")"));
  return value;
}

double ValueReader::number(const YAML::Node& node, const std::string& path, double min,
                           double max) const {
  std::ostringstream range;
  range << "a number from " << min << " to " << max;
  if (!node.IsScalar())
    source.fail(node, path, "expected " + range.str() + ", got " + describe_node(node));
  const std::string& text = node.Scalar();
  const double value = is_number_text(text) ? std::strtod(text.c_str(), nullptr) : NAN;
  if (!std::isfinite(value)) source.fail(node, path, "expected " + range.str() + ", got '" + text + "'");
  if (value < min || value > max)
    source.fail(node, path, "expected " + range.str() + ", got " + text);
  return value;
}

double ValueReader::duration(const YAML::Node& node, const std::string& path,
                             bool allow_zero) const {
  if (!node.IsScalar())
    source.fail(node, path, "expected a duration such as '10ms', got " + describe_node(node));
  auto value = parse_duration(node.Scalar());
  if (!value)
    source.fail(node, path,
                "expected a duration such as '10ms' (units: ns, us, ms, s, min, h), got '" +
                    node.Scalar() + "'");
  if (*value < 0 || (!allow_zero && *value == 0))
    source.fail(node, path,
                std::string("expected a ") + (allow_zero ? "non-negative" : "positive") +
                    " duration, got '" + node.Scalar() + "'");
  // Ten years: far beyond any scenario, and keeps nanosecond arithmetic exact in doubles.
  if (*value > 3.2e8) source.fail(node, path, "duration '" + node.Scalar() + "' is too long");
  // Traces and timelines count whole nanoseconds: a shorter step would be simulated as nothing.
  if (*value > 0 && *value < 1e-9)
    source.fail(node, path, "expected a duration of at least 1ns (the simulation's resolution), got '" +
                                node.Scalar() + "'");
  return *value;
}

double ValueReader::size(const YAML::Node& node, const std::string& path, double min, double max,
                         const std::string& range) const {
  const std::string expected = "expected a size " + range + " (units: B, KB, MB, GB, KiB, MiB, GiB), got ";
  if (!node.IsScalar()) source.fail(node, path, expected + describe_node(node));
  auto value = parse_size(node.Scalar());
  if (!value || *value < min || *value > max) source.fail(node, path, expected + "'" + node.Scalar() + "'");
  return *value;
}

uint64_t ValueReader::seed(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) source.fail(node, path, "expected a non-negative integer seed, got " + describe_node(node));
  const std::string& text = node.Scalar();
  errno = 0;
  const unsigned long long value = is_integer_text(text) ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!is_integer_text(text) || errno == ERANGE || text[0] == '-')
    source.fail(node, path, "expected a non-negative integer seed, got '" + text + "'");
  return value;
}

bool ValueReader::boolean(const YAML::Node& node, const std::string& path) const {
  // YAML 1.1's yes/no/on/off are refused: they are names in other places of a scenario.
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
  source.fail(node, path, "expected true or false, got " + describe_node(node));
}

void ValueReader::expect_sequence(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) source.fail(node, path, "expected a list, got " + describe_node(node));
}

}  // namespace gilsim
