#pragma once
#include <cstdio>
#include <string>

namespace gilsim {

// Numbers in validation reports, in fixed formats (the text output is byte-identical per input).
inline std::string formatted(const char* format, double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

inline std::string signed_percent(double fraction) { return formatted("%+.1f%%", 100 * fraction); }
inline std::string unsigned_percent(double fraction) { return formatted("%.1f%%", 100 * fraction); }
inline std::string one_decimal(double value) { return formatted("%.1f", value); }

}  // namespace gilsim
