#include "sim/util/Units.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "sim/util/NumberSyntax.hpp"

namespace gilsim {
namespace {

using UnitTable = std::vector<std::pair<const char*, double>>;

// Splits "<number><unit>" (NumberSyntax.hpp, the unit right after the number) and scales by the
// unit's factor; nullopt when either part is bad.
std::optional<double> parse_with_units(const std::string& text, const UnitTable& units) {
  const std::size_t length = number_prefix_length(text);
  if (length == 0) return std::nullopt;
  const double value = std::strtod(text.substr(0, length).c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  const std::string unit = text.substr(length);
  for (const auto& [name, factor] : units)
    if (unit == name && std::isfinite(value * factor)) return value * factor;
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_duration(const std::string& text) {
  static const UnitTable units = {{"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3},
                                  {"s", 1.0},   {"min", 60.0}, {"h", 3600.0}};
  return parse_with_units(text, units);
}

std::optional<double> parse_size(const std::string& text) {
  static const UnitTable units = {{"B", 1.0},          {"KB", 1e3},          {"MB", 1e6},
                                  {"GB", 1e9},         {"KiB", 1024.0},      {"MiB", 1048576.0},
                                  {"GiB", 1073741824.0}};
  return parse_with_units(text, units);
}

std::string format_duration(double seconds) {
  static const std::vector<std::pair<const char*, double>> units = {
      {"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
  if (seconds == 0) return "0s";
  char buffer[64];
  for (const auto& [name, factor] : units) {
    if (std::fabs(seconds) >= factor || factor == 1e-9) {
      std::snprintf(buffer, sizeof buffer, "%.6g%s", seconds / factor, name);
      return buffer;
    }
  }
  return "0s";
}

}  // namespace gilsim
