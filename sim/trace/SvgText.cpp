#include "sim/trace/SvgText.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/util/Utf8.hpp"

namespace gilsim::svg {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string fmt(double value) {
  if (std::fabs(value) < 0.005) value = 0;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

std::string escape(const std::string& text) {
  std::string escaped;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    const std::size_t length = utf8_sequence_length(text, pos);
    if (c == '&') escaped += "&amp;";
    else if (c == '<') escaped += "&lt;";
    else if (c == '>') escaped += "&gt;";
    else if (c == '"') escaped += "&quot;";
    else if (c == '\'') escaped += "&apos;";
    else if (static_cast<unsigned char>(c) < 0x20) escaped += ' ';
    else if (length == 0) escaped += "\xEF\xBF\xBD";
    else escaped.append(text, pos, length);
    pos += std::max<std::size_t>(length, 1);
  }
  return escaped;
}

std::string truncate(const std::string& text, std::size_t max_chars) {
  const auto chars = std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation_byte(c); });
  if (static_cast<std::size_t>(chars) <= max_chars) return text;
  std::size_t kept = 0;
  std::size_t pos = 0;
  for (; pos < text.size(); ++pos) {
    if (is_continuation_byte(text[pos])) continue;
    if (kept++ == max_chars - 1) break;  // room left for the ellipsis only
  }
  return text.substr(0, pos) + "\xE2\x80\xA6";
}

double text_width(const std::string& text, double font_size) {
  double ems = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = std::max<std::size_t>(utf8_sequence_length(text, pos), 1);
    ems += length >= 3 ? 1.2 : 0.62;  // 3- and 4-byte characters: CJK, emoji and the like
    pos += length;
  }
  return ems * font_size;
}

std::vector<std::string> wrap(const std::string& text, double width, double font_size) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t blank = text.find(' ', start);
    if (blank == std::string::npos) blank = text.size();
    const std::string word = text.substr(start, blank - start);
    const std::string longer = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(longer, font_size) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = longer;
    }
    start = blank + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

}  // namespace gilsim::svg
