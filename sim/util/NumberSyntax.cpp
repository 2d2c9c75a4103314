#include "sim/util/NumberSyntax.hpp"

namespace gilsim {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t digits_from(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && is_digit(text[end])) ++end;
  return end - pos;
}

}  // namespace

std::size_t number_prefix_length(const std::string& text) {
  std::size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') ++pos;
  const std::size_t whole = digits_from(text, pos);
  pos += whole;
  std::size_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    fraction = digits_from(text, pos + 1);
    if (fraction > 0 || whole > 0) pos += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    std::size_t exponent = pos + 1;
    if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
    const std::size_t digits = digits_from(text, exponent);
    if (digits > 0) pos = exponent + digits;  // "5e" is the number 5 followed by "e"
  }
  return pos;
}

bool is_number_text(const std::string& text) { return !text.empty() && number_prefix_length(text) == text.size(); }

bool is_integer_text(const std::string& text) {
  const std::size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
  return text.size() > sign && digits_from(text, sign) == text.size() - sign;
}

}  // namespace gilsim
