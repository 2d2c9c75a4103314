#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "sim/util/Utf8.hpp"

namespace gilsim {

// A character that must not reach a terminal, a file name or a report: a C0 or C1 control
// character or DEL (terminal escapes, bells, NUL), a Unicode bidirectional override or isolate
// (U+202A-U+202E, U+2066-U+2069: they make printed text read otherwise than it is), or a byte
// that is not UTF-8.
struct UnsafeCharacter {
  std::size_t character;  // 1-based position in characters (code points)
  uint32_t code_point;    // 0xFFFD for malformed UTF-8
};

inline std::optional<UnsafeCharacter> find_unsafe_character(const std::string& text, bool allow_line_breaks) {
  std::size_t pos = 0, index = 0;
  while (pos < text.size()) {
    ++index;
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return UnsafeCharacter{index, 0xFFFD};
    uint32_t code = static_cast<unsigned char>(text[pos]);
    if (length > 1) {
      code &= 0x3Fu >> (length - 1);
      for (std::size_t i = 1; i < length; ++i) code = (code << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    }
    const bool line_break = code == '\n' || code == '\t';
    const bool control = code < 0x20 || (code >= 0x7F && code <= 0x9F);
    const bool bidi = (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
    if ((control && !(allow_line_breaks && line_break)) || bidi) return UnsafeCharacter{index, code};
    pos += length;
  }
  return std::nullopt;
}

// "U+001B at character 5" for messages.
inline std::string describe_unsafe(const UnsafeCharacter& c) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "U+%04X at character %zu", static_cast<unsigned>(c.code_point), c.character);
  return buffer;
}

}  // namespace gilsim
