#pragma once
// What the trace writers' tests share (test_chrome_trace_writer.cpp, test_activity_svg_writer.cpp):
// a sample timeline, each writer's output as a string, and checks on that text.
#include <cctype>
#include <sstream>
#include <string>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/SvgWriter.hpp"

namespace gilsim::testing {

// Process "app": threads "main" and `say "hi"`, which trade the GIL at 5ms and 7.5ms.
// Process "worker[0]": thread "worker". Both spans of main's first GIL hold (steps 0 and 1)
// touch, so the GIL track shows them as one interval.
inline Timeline sample_timeline() {
  Timeline t;
  t.scenario = "demo\\dir\n\x01";
  t.variant = "py3.12";
  t.cores = 2;
  t.smt = 2;
  t.switch_interval = 0.005;
  t.processes = {{"app"}, {"worker[0]"}};
  t.threads = {{0, "main", "app/main", {"compute", "wait"}, {"cpu", "io"}},
               {0, "say \"hi\"", "app/say", {"spin", "read"}, {"cpu", "io"}},
               {1, "worker", "worker[0]/worker", {"loop"}, {"cpu"}}};
  t.step_spans = {{0, kStartStep, 0, 0.0, 0.0}, {0, 0, 0, 0.0, 0.002}, {0, 1, 0, 0.002, 0.005}};
  using S = ThreadState;
  t.spans = {
      {0, S::Python, 0, 0, 0.0, 0.002},     {0, S::Python, 1, 0, 0.002, 0.005},
      {0, S::GilWait, 1, 1, 0.005, 0.0075}, {0, S::Python, 1, 1, 0.0075, 0.010},
      {1, S::GilWait, 0, 0, 0.0, 0.005},    {1, S::Python, 0, 0, 0.005, 0.0075},
      {1, S::Native, 1, 0, 0.0075, 0.009},  {1, S::Io, 1, 0, 0.009, 0.012},
      {2, S::Native, 0, 0, 0.0, 0.003},     {2, S::Sleep, 0, 0, 0.003, 0.004},
      {2, S::Python, 0, 2, 0.004, 0.006},
  };
  t.core_spans = {{0, 0, 0, 0.0, 0.005}, {0, 1, 1, 0.005, 0.0075}, {1, 0, 2, 0.0, 0.003}};
  return t;
}

inline std::string chrome_json(const Timeline& timeline) {
  std::ostringstream out;
  write_chrome_trace(timeline, out);
  return out.str();
}

inline std::string activity_svg(const Timeline& timeline) {
  std::ostringstream out;
  write_activity_svg(timeline, out);
  return out.str();
}

inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

// The text between `open` and the next `close` after it ("" when absent).
inline std::string section(const std::string& text, const std::string& open, const std::string& close) {
  const size_t begin = text.find(open);
  if (begin == std::string::npos) return "";
  const size_t end = text.find(close, begin + open.size());
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// Minimal strict JSON syntax checker (RFC 8259 grammar, no semantic checks).
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : text_(text) {}

  bool valid() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return pos_ == text_.size();
  }

 private:
  bool value() {
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_]) {
      case '{': return object();
      case '[': return array();
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }
  bool object() {
    ++pos_;
    skip_space();
    if (eat('}')) return true;
    do {
      skip_space();
      if (!string()) return false;
      skip_space();
      if (!eat(':')) return false;
      skip_space();
      if (!value()) return false;
      skip_space();
    } while (eat(','));
    return eat('}');
  }
  bool array() {
    ++pos_;
    skip_space();
    if (eat(']')) return true;
    do {
      skip_space();
      if (!value()) return false;
      skip_space();
    } while (eat(','));
    return eat(']');
  }
  bool string() {
    if (!eat('"')) return false;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      if (e == 'u') {
        for (int i = 0; i < 4; ++i)
          if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_++])))
            return false;
      } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
        return false;
      }
    }
    return false;
  }
  bool number() {
    const size_t start = pos_;
    eat('-');
    if (!digits()) return false;
    if (eat('.') && !digits()) return false;
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return pos_ > start;
  }
  bool digits() {
    const size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_ > start;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (text_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  bool eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

inline Timeline many_thread_timeline(int threads, int spans_per_thread, double span_seconds) {
  Timeline t;
  t.scenario = "big";
  t.processes = {{"app"}};
  for (int i = 0; i < threads; ++i)
    t.threads.push_back({0, "t" + std::to_string(i), "app/t", {"step"}, {"cpu"}});
  for (int i = 0; i < threads; ++i)
    for (int k = 0; k < spans_per_thread; ++k) {
      const auto state = k % 2 == 0 ? ThreadState::Python : ThreadState::Io;
      t.spans.push_back({i, state, 0, k, k * span_seconds, (k + 1) * span_seconds});
    }
  return t;
}

}  // namespace gilsim::testing
