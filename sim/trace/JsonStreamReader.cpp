#include "sim/trace/JsonStreamReader.hpp"

#include <cmath>
#include <cstdlib>

#include "sim/util/ScenarioError.hpp"
#include "sim/util/Utf8.hpp"

namespace gilsim {
namespace {

// Deeper nesting is refused: no trace needs it, and reading it recurses.
constexpr int kMaxDepth = 64;

bool is_digit(int c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string member_text(const JsonValue& object, const char* key) {
  const JsonValue* n = object.find(key);
  if (!n) return "";
  if (n->is_string() || n->is_number()) return n->text;
  if (n->type == JsonValue::Type::Bool) return n->boolean ? "true" : "false";
  return "";
}

const JsonValue* JsonValue::find(const std::string& key) const {
  if (type != Type::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

bool JsonValue::integer(int64_t min, int64_t max, int64_t& out) const {
  if (type != Type::Number || text.find_first_of(".eE") != std::string::npos) return false;
  // |n| <= 2^53: exact in a double, and far inside int64 (no overflow in later arithmetic).
  if (!(std::fabs(number) <= 9007199254740992.0)) return false;
  const auto value = static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
  if (value < min || value > max) return false;
  out = value;
  return true;
}

JsonStreamReader::JsonStreamReader(std::istream& in, std::string file, std::size_t max_total_bytes,
                                   std::size_t max_value_bytes)
    : in_(in.rdbuf()), file_(std::move(file)), max_total_(max_total_bytes), max_value_(max_value_bytes) {}

std::string JsonStreamReader::position() const {
  return file_ + ":" + std::to_string(line_) + ":" + std::to_string(column_);
}

void JsonStreamReader::fail(const std::string& message) const { fail_at(line_, column_, message); }

void JsonStreamReader::fail_at(int line, int column, const std::string& message) const {
  throw ScenarioError(file_ + ":" + std::to_string(line) + ":" + std::to_string(column), "not valid JSON: " + message);
}

int JsonStreamReader::peek() { return in_->sgetc(); }

int JsonStreamReader::get() {
  const int c = in_->sbumpc();
  if (c == std::char_traits<char>::eof()) return c;
  if (++consumed_ > max_total_) fail("the file is larger than the limit of " + std::to_string(max_total_ >> 20) + " MiB");
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else if ((c & 0xC0) != 0x80) {
    ++column_;  // columns count characters, not UTF-8 continuation bytes
  }
  return c;
}

void JsonStreamReader::skip_blanks() {
  for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek()) get();
}

void JsonStreamReader::expect(char c, const char* what) {
  skip_blanks();
  if (peek() != c) fail(std::string("expected ") + what);
  get();
}

int JsonStreamReader::next_char() {
  skip_blanks();
  const int c = peek();
  return c == std::char_traits<char>::eof() ? -1 : c;
}

void JsonStreamReader::begin_object() {
  expect('{', "an object ('{')");
  first_.push_back(true);
}

void JsonStreamReader::begin_array() {
  expect('[', "an array ('[')");
  first_.push_back(true);
}

// Whether another element of the innermost container stepped through follows (after its comma),
// or its closing bracket, consumed.
bool JsonStreamReader::next_element(char close, const char* expected) {
  skip_blanks();
  if (peek() == close) {
    get();
    first_.pop_back();
    return false;
  }
  if (!first_.back()) expect(',', expected);
  first_.back() = false;
  return true;
}

bool JsonStreamReader::next_member(std::string& key) {
  if (!next_element('}', "',' or '}' after an object member")) return false;
  skip_blanks();
  if (peek() != '"') fail("expected a member name in double quotes");
  key = read_string();
  expect(':', "':' after a member name");
  return true;
}

bool JsonStreamReader::next_item() { return next_element(']', "',' or ']' after an array item"); }

JsonValue JsonStreamReader::read_value() {
  JsonValue value;
  value_start_ = consumed_;
  read_into(value, 0);
  return value;
}

void JsonStreamReader::skip_value() { read_value(); }

void JsonStreamReader::end_of_document() {
  skip_blanks();
  if (peek() != std::char_traits<char>::eof()) fail("unexpected text after the end of the document");
}

void JsonStreamReader::read_into(JsonValue& value, int depth) {
  if (depth > kMaxDepth) fail("values nested deeper than " + std::to_string(kMaxDepth) + " levels");
  skip_blanks();
  if (consumed_ - value_start_ > max_value_)
    fail("a value larger than " + std::to_string(max_value_ >> 10) + " KiB (one event or otherData)");
  value.line = line_;
  value.column = column_;
  const int c = peek();
  if (c == '{') {
    value.type = JsonValue::Type::Object;
    begin_object();
    std::string key;
    while (next_member(key)) {
      value.members.emplace_back(std::move(key), JsonValue{});
      read_into(value.members.back().second, depth + 1);
    }
  } else if (c == '[') {
    value.type = JsonValue::Type::Array;
    begin_array();
    while (next_item()) {
      value.items.emplace_back();
      read_into(value.items.back(), depth + 1);
    }
  } else if (c == '"') {
    value.type = JsonValue::Type::String;
    value.text = read_string();
  } else if (c == '-' || is_digit(c)) {
    read_number(value);
  } else if (c == 't') {
    read_literal("true");
    value.type = JsonValue::Type::Bool;
    value.boolean = true;
  } else if (c == 'f') {
    read_literal("false");
    value.type = JsonValue::Type::Bool;
  } else if (c == 'n') {
    read_literal("null");
  } else if (c == std::char_traits<char>::eof()) {
    fail("the file ends where a value was expected");
  } else {
    fail("expected a value (object, array, string, number, true, false or null)");
  }
}

void JsonStreamReader::read_literal(const char* word) {
  for (const char* w = word; *w; ++w)
    if (get() != *w) fail(std::string("expected '") + word + "'");
}

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, finite.
void JsonStreamReader::read_number(JsonValue& value) {
  value.type = JsonValue::Type::Number;
  std::string& t = value.text;
  if (peek() == '-') t += static_cast<char>(get());
  if (!is_digit(peek())) fail("expected a digit in a number");
  if (peek() == '0') {
    t += static_cast<char>(get());
    if (is_digit(peek())) fail("a number with a leading zero");
  }
  while (is_digit(peek())) t += static_cast<char>(get());
  if (peek() == '.') {
    t += static_cast<char>(get());
    if (!is_digit(peek())) fail("expected digits after '.' in a number");
    while (is_digit(peek())) t += static_cast<char>(get());
  }
  if (peek() == 'e' || peek() == 'E') {
    t += static_cast<char>(get());
    if (peek() == '+' || peek() == '-') t += static_cast<char>(get());
    if (!is_digit(peek())) fail("expected digits in a number's exponent");
    while (is_digit(peek())) t += static_cast<char>(get());
  }
  if (t.size() > 64) fail("a number longer than 64 characters");
  value.number = std::strtod(t.c_str(), nullptr);
  if (!std::isfinite(value.number)) fail("number " + t + " is out of range");
}

uint32_t JsonStreamReader::read_hex4() {
  uint32_t code = 0;
  for (int i = 0; i < 4; ++i) {
    const int c = get();
    code <<= 4;
    if (is_digit(c)) code |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') code |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') code |= static_cast<uint32_t>(c - 'A' + 10);
    else fail("expected four hexadecimal digits after \\u");
  }
  return code;
}

void JsonStreamReader::append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::string JsonStreamReader::read_string() {
  get();  // the opening quote
  std::string out;
  for (;;) {
    const int line = line_, column = column_;  // where this character is
    const int c = get();
    if (c == std::char_traits<char>::eof()) fail("the file ends inside a string");
    if (c == '"') break;
    if (c < 0x20 && c >= 0) fail_at(line, column, "a control character inside a string (it must be escaped)");
    if (out.size() > max_value_) fail("a string longer than " + std::to_string(max_value_ >> 10) + " KiB");
    if (c != '\\') {
      out += static_cast<char>(c);
      // A UTF-8 sequence is checked once its last byte is in.
      if ((c & 0xC0) != 0x80 && (c & 0x80)) {
        const std::size_t lead = out.size() - 1;
        const std::size_t length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (length == 0) fail_at(line, column, "a byte that is not UTF-8 inside a string");
        for (std::size_t i = 1; i < length; ++i) {
          const int next = get();
          if (next == std::char_traits<char>::eof()) fail("the file ends inside a string");
          out += static_cast<char>(next);
        }
        if (utf8_sequence_length(out, lead) != length) fail_at(line, column, "a byte that is not UTF-8 inside a string");
      } else if (c & 0x80) {
        fail_at(line, column, "a byte that is not UTF-8 inside a string");
      }
      continue;
    }
    const int e = get();
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t code = read_hex4();
        if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair
          if (get() != '\\' || get() != 'u') fail("a high surrogate without its low surrogate");
          const uint32_t low = read_hex4();
          if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate without its low surrogate");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          fail("a low surrogate without its high surrogate");
        }
        append_utf8(out, code);
        break;
      }
      default: fail("an unknown escape in a string");
    }
  }
  return out;
}

}  // namespace gilsim
