#include "sim/trace/TraceEventWriter.hpp"

#include <cmath>
#include <cstdio>

#include "sim/util/Utf8.hpp"

namespace gilsim::chrome {
namespace {

void write_control_escape(std::ostream& out, unsigned char c) {
  switch (c) {
    case '\b': out << "\\b"; return;
    case '\f': out << "\\f"; return;
    case '\n': out << "\\n"; return;
    case '\r': out << "\\r"; return;
    case '\t': out << "\\t"; return;
    default: break;
  }
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
  out << buffer;
}

}  // namespace

void write_int(std::ostream& out, int64_t value) {
  char buffer[32];
  const int length = std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
  out.write(buffer, length);
}

void write_us(std::ostream& out, int64_t ns) {
  char buffer[48];
  const int length = std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(ns) / 1e3);
  out.write(buffer, length);
}

void write_double(std::ostream& out, double value) {
  if (!std::isfinite(value)) {
    out << "null";  // JSON has no inf/nan
    return;
  }
  char buffer[48];
  const int length = std::snprintf(buffer, sizeof buffer, "%.9g", value);
  out.write(buffer, length);
}

void write_json_string(std::ostream& out, const std::string& text) {
  out.put('"');
  size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"' || c == '\\') {
      out.put('\\');
      out.put(static_cast<char>(c));
      ++pos;
    } else if (c < 0x20) {
      write_control_escape(out, c);
      ++pos;
    } else if (const size_t length = utf8_sequence_length(text, pos); length == 0) {
      out << "\\ufffd";
      ++pos;
    } else {
      out.write(text.data() + pos, static_cast<std::streamsize>(length));
      pos += length;
    }
  }
  out.put('"');
}

}  // namespace gilsim::chrome
