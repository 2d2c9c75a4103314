#pragma once
#include <cstdio>
#include <ostream>
#include <string>

namespace gilsim::json {

// Minimal helpers for streaming JSON with fixed number formatting (byte-identical output).
inline std::string quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// Seconds with nanosecond resolution.
inline std::string seconds(double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.9f", value);
  return buffer;
}

inline std::string number(double value, int decimals = 6) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace gilsim::json
