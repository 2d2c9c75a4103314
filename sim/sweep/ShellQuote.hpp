#pragma once
#include <string>
#include <vector>

namespace gilsim::sweep {

// One shell word: unchanged when it only has characters no POSIX shell treats specially,
// otherwise single-quoted (a single quote inside becomes '\'').
inline std::string shell_quote(const std::string& word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (unsigned char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ',' || c == '+' ||
                      c == '@' || c == '%' || c == '=';
    if (!safe) plain = false;
  }
  if (plain && word.front() != '=') return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string shell_join(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) line += (line.empty() ? "" : " ") + shell_quote(w);
  return line;
}

}  // namespace gilsim::sweep
