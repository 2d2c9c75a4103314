#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace gilsim {

// One time unit per table column: the largest unit in which the column's largest value is at
// least 1 (s, ms, us or ns), so that "8.079s" is never beside "565.603ms" and "6.75ns".
struct ColumnUnit {
  const char* suffix = "s";
  double seconds = 1;

  static ColumnUnit for_values(const std::vector<double>& values) {
    double largest = 0;
    for (double v : values)
      if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    static const ColumnUnit kUnits[] = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
    for (const ColumnUnit& unit : kUnits)
      if (largest >= unit.seconds * (1 - 1e-12)) return unit;
    return kUnits[0];  // all zero: seconds
  }

  // `value` in this unit with `decimals` decimals and the unit's suffix: "0.566s".
  std::string format(double value, int decimals) const {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, value / seconds, suffix);
    return buffer;
  }
};

}  // namespace gilsim
