#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace gilsim {

// One time unit per table column: the largest unit in which the column's largest value is at
// least 1 (s, ms, us or ns), so that "8.079s" is never beside "565.603ms" and "6.75ns"; and one
// number of decimals, giving the largest value `significant` digits.
struct ColumnUnit {
  const char* suffix = "s";
  double seconds = 1;
  int decimals = 3;

  static ColumnUnit for_values(const std::vector<double>& values, int significant) {
    double largest = 0;
    for (double v : values)
      if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    static const ColumnUnit kUnits[] = {{"s", 1, 0}, {"ms", 1e-3, 0}, {"us", 1e-6, 0}, {"ns", 1e-9, 0}};
    ColumnUnit unit = kUnits[0];  // all zero: seconds
    for (const ColumnUnit& candidate : kUnits)
      if (largest >= candidate.seconds * (1 - 1e-12)) {
        unit = candidate;
        break;
      }
    const double in_unit = largest / unit.seconds;
    const int whole_digits = in_unit < 10 ? 1 : in_unit < 100 ? 2 : 3;
    unit.decimals = std::max(0, significant - whole_digits);
    return unit;
  }

  // `value` in this unit with the column's decimals and the unit's suffix: "0.5656s".
  std::string format(double value) const {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, value / seconds, suffix);
    return buffer;
  }
};

}  // namespace gilsim
