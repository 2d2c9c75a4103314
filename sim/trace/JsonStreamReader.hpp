#pragma once
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace gilsim {

// One JSON value, with the line and column where it starts (for messages).
struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string text;  // a string's value, or a number's literal (to read integers exactly)
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;
  int line = 1;
  int column = 1;

  const JsonValue* find(const std::string& key) const;  // an object's member, or nullptr
  bool is_string() const { return type == Type::String; }
  bool is_number() const { return type == Type::Number; }
  bool is_object() const { return type == Type::Object; }
  // A number written as an integer within [min, max] (JSON numbers are doubles: 2^53 at most).
  bool integer(int64_t min, int64_t max, int64_t& out) const;
};

// A member's text: a string's value, a number's literal, "true"/"false"; "" when absent or not a
// scalar.
std::string member_text(const JsonValue& object, const char* key);

// A strict JSON (RFC 8259) reader that walks a large document piece by piece: the caller steps
// through the outer object and array and reads one element at a time, so a trace of millions of
// events is never held whole (yaml-cpp took ~75 times a trace's size). Each value read whole is
// bounded in bytes and nesting; the stream in total, in bytes. Errors throw ScenarioError
// "file:line:col: error: not valid JSON: ...". Numbers must be finite (no NaN: JSON has none).
class JsonStreamReader {
 public:
  JsonStreamReader(std::istream& in, std::string file, std::size_t max_total_bytes, std::size_t max_value_bytes);

  int next_char();                     // the next character after blanks (EOF: -1), not consumed
  void begin_object();                 // '{'
  bool next_member(std::string& key);  // reads "key": and returns true, or '}' and returns false
  void begin_array();                  // '['
  bool next_item();                    // true when a value follows, false at ']'
  JsonValue read_value();
  void skip_value();
  void end_of_document();  // nothing but blanks may follow
  std::string position() const;  // "file:line:col" of the next character

 private:
  int peek();
  int get();
  void skip_blanks();
  bool next_element(char close, const char* expected);
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(int line, int column, const std::string& message) const;
  void expect(char c, const char* what);
  void read_into(JsonValue& value, int depth);
  std::string read_string();
  void read_number(JsonValue& value);
  void read_literal(const char* word);
  void append_utf8(std::string& out, uint32_t code);
  uint32_t read_hex4();

  std::streambuf* in_;
  std::string file_;
  std::size_t max_total_;
  std::size_t max_value_;
  std::size_t consumed_ = 0;
  std::size_t value_start_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::vector<bool> first_;  // per open container stepped through: no comma before its next element
};

}  // namespace gilsim
