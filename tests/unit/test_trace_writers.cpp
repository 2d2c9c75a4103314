#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/SvgWriter.hpp"

using namespace gilsim;

namespace {

// Process "app": threads "main" and `say "hi"`, which trade the GIL at 5ms and 7.5ms.
// Process "worker[0]": thread "worker". Both spans of main's first GIL hold (steps 0 and 1)
// touch, so the GIL track shows them as one interval.
Timeline sample_timeline() {
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

std::string chrome_json(const Timeline& timeline) {
  std::ostringstream out;
  write_chrome_trace(timeline, out);
  return out.str();
}

std::string activity_svg(const Timeline& timeline) {
  std::ostringstream out;
  write_activity_svg(timeline, out);
  return out.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

// The text between `open` and the next `close` after it ("" when absent).
std::string section(const std::string& text, const std::string& open, const std::string& close) {
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

Timeline many_thread_timeline(int threads, int spans_per_thread, double span_seconds) {
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

}  // namespace

TEST_CASE("chrome trace is syntactically valid JSON in object form") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(JsonChecker(json).valid());
  CHECK(json.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0) == 0);
  CHECK(json.find("\"otherData\":{\"source\":\"simulated\",\"scenario\":") != std::string::npos);
  CHECK(json.find("\"variant\":\"py3.12\",\"cores\":2,\"smt\":2,\"switch_interval_s\":0.005,"
                  "\"gil_handover_flows\":{\"written\":0,\"left_out\":0}}") !=
        std::string::npos);
}

TEST_CASE("chrome trace names processes and threads with pid/tid conventions") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":1,\"tid\":1000000,\"name\":\"process_name\","
                    "\"args\":{\"name\":\"app\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":2,\"tid\":1000001,\"name\":\"process_name\","
                    "\"args\":{\"name\":\"worker[0]\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\","
                    "\"args\":{\"name\":\"main\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":2,\"tid\":3,\"name\":\"thread_name\","
                    "\"args\":{\"name\":\"worker\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":2,\"tid\":3,\"name\":\"thread_sort_index\","
                    "\"args\":{\"sort_index\":6}}") == 1);
  CHECK(count(json, "\"name\":\"thread_name\",\"args\":{\"name\":\"GIL holder\"}") == 2);
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":1000000,\"tid\":1,\"name\":\"process_name\","
                    "\"args\":{\"name\":\"machine\"}}") == 1);
}

TEST_CASE("chrome trace emits each state span as an X event with microsecond ts/dur and args") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":5000.000,\"dur\":2500.000,"
                    "\"name\":\"python\",\"cat\":\"state\",\"args\":{\"step\":\"spin\","
                    "\"step_index\":0,\"iteration\":0}}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":5000.000,\"dur\":2500.000,"
                    "\"name\":\"gil-wait\",\"cat\":\"state\",\"args\":{\"step\":\"wait\","
                    "\"step_index\":1,\"iteration\":1}}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":2,\"tid\":3,\"ts\":3000.000,\"dur\":1000.000,"
                    "\"name\":\"sleep\",") == 1);
  CHECK(count(json, "\"cat\":\"state\"") == sample_timeline().spans.size());
}

TEST_CASE("chrome trace GIL holder track has one event per maximal holding interval") {
  const std::string json = chrome_json(sample_timeline());
  // main's two touching Python spans (steps 0 and 1) form a single hold.
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":1000000,\"ts\":0.000,\"dur\":5000.000,"
                    "\"name\":\"main\",\"cat\":\"gil\"}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":1000000,\"ts\":5000.000,"
                    "\"dur\":2500.000,\"name\":\"say \\\"hi\\\"\",\"cat\":\"gil\"}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":1000000,\"ts\":7500.000,"
                    "\"dur\":2500.000,\"name\":\"main\",\"cat\":\"gil\"}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":2,\"tid\":1000001,\"ts\":4000.000,"
                    "\"dur\":2000.000,\"name\":\"worker\",\"cat\":\"gil\"}") == 1);
  CHECK(count(json, "\"cat\":\"gil\"") == 4);
}

TEST_CASE("chrome trace counters sample GIL waiters and runnable threads only on change") {
  const std::string json = chrome_json(sample_timeline());
  const auto sample = [](int pid, const char* ts, const char* name, int value) {
    return "{\"ph\":\"C\",\"pid\":" + std::to_string(pid) + ",\"tid\":" +
           std::to_string(999999 + pid) + ",\"ts\":" + ts + ",\"name\":\"" + name +
           "\",\"args\":{\"value\":" + std::to_string(value) + "}}";
  };
  // app: one waiter until 7.5ms (the hand-over at 5ms keeps the count at 1).
  CHECK(count(json, sample(1, "0.000", "GIL waiters", 1)) == 1);
  CHECK(count(json, sample(1, "7500.000", "GIL waiters", 0)) == 1);
  CHECK(count(json, "{\"ph\":\"C\",\"pid\":1,") == 2 + 4);
  CHECK(count(json, sample(1, "0.000", "runnable", 1)) == 1);
  CHECK(count(json, sample(1, "7500.000", "runnable", 2)) == 1);
  CHECK(count(json, sample(1, "9000.000", "runnable", 1)) == 1);
  CHECK(count(json, sample(1, "10000.000", "runnable", 0)) == 1);
  // worker[0]: never waits, so its waiter counter holds a single 0 sample.
  CHECK(count(json, sample(2, "0.000", "GIL waiters", 0)) == 1);
  CHECK(count(json, "{\"ph\":\"C\",\"pid\":2,") == 1 + 4);
  CHECK(count(json, sample(2, "3000.000", "runnable", 0)) == 1);
  CHECK(count(json, sample(2, "4000.000", "runnable", 1)) == 1);
}

TEST_CASE("chrome trace machine pid has one track per core slot with core spans") {
  const std::string json = chrome_json(sample_timeline());
  for (const char* track : {"\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"core 0.0\"}",
                            "\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"core 0.1\"}",
                            "\"tid\":65,\"name\":\"thread_name\",\"args\":{\"name\":\"core 1.0\"}",
                            "\"tid\":66,\"name\":\"thread_name\",\"args\":{\"name\":\"core 1.1\"}"})
    CHECK(count(json, std::string("{\"ph\":\"M\",\"pid\":1000000,") + track + "}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1000000,\"tid\":65,\"ts\":0.000,\"dur\":3000.000,"
                    "\"name\":\"worker\",\"cat\":\"core\",\"args\":{\"process\":\"worker[0]\"}}") ==
        1);
  CHECK(count(json, "\"cat\":\"core\"") == 3);
}

TEST_CASE("chrome trace escapes quotes, backslashes and control characters") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(count(json, "\"args\":{\"name\":\"say \\\"hi\\\"\"}") == 1);
  CHECK(json.find("\"scenario\":\"demo\\\\dir\\n\\u0001\"") != std::string::npos);
  Timeline broken = sample_timeline();
  broken.threads[0].name = "bad\xff";  // malformed UTF-8
  const std::string repaired = chrome_json(broken);
  CHECK(repaired.find("\"name\":\"bad\\ufffd\"") != std::string::npos);
  CHECK(JsonChecker(repaired).valid());
}

TEST_CASE("chrome trace output is byte-identical for equal input in any span order") {
  const Timeline timeline = sample_timeline();
  Timeline reversed = timeline;
  std::reverse(reversed.spans.begin(), reversed.spans.end());
  std::reverse(reversed.core_spans.begin(), reversed.core_spans.end());
  const std::string first = chrome_json(timeline);
  CHECK(first == chrome_json(timeline));
  CHECK(first == chrome_json(reversed));
}

TEST_CASE("chrome trace rounds to whole nanoseconds without overlapping adjacent spans") {
  Timeline t;
  t.processes = {{"p"}};
  t.threads = {{0, "t", "p/t", {"s"}, {"cpu"}}};
  t.spans = {{0, ThreadState::Python, 0, 0, 1.0000000004, 1.0000000016},
             {0, ThreadState::Io, 0, 0, 1.0000000016, 2.0}};
  const std::string json = chrome_json(t);
  CHECK(json.find("\"ts\":1000000.000,\"dur\":0.002,\"name\":\"python\"") != std::string::npos);
  CHECK(json.find("\"ts\":1000000.002,\"dur\":999999.998,\"name\":\"io\"") != std::string::npos);
}

TEST_CASE("svg is a standalone document with a title naming scenario and variant") {
  Timeline timeline = sample_timeline();
  timeline.scenario = "gil <demo> & co";
  const std::string svg = activity_svg(timeline);
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\"",
                  0) == 0);
  CHECK(svg.find("gil &lt;demo&gt; &amp; co (py3.12)</text>") != std::string::npos);
  CHECK(count(svg, "<g") == count(svg, "</g>"));
  CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
}

TEST_CASE("svg draws one labelled lane per thread") {
  const std::string svg = activity_svg(sample_timeline());
  const std::string labels = section(svg, "<g id=\"labels\"", "</g>");
  CHECK(count(labels, "<text") == 3);
  CHECK(count(labels, ">app/main</text>") == 1);
  CHECK(count(labels, ">app/say &quot;hi&quot;</text>") == 1);
  CHECK(count(labels, ">worker[0]/worker</text>") == 1);
}

TEST_CASE("svg draws one rect per span, merging touching same-state spans") {
  const std::string svg = activity_svg(sample_timeline());
  const std::string spans = section(svg, "<g id=\"spans\">", "<g id=\"axis\"");
  // 11 spans; main's two touching Python spans draw as one rect.
  CHECK(count(spans, "<rect") == 10);
  CHECK(count(section(spans, "<g class=\"python\" fill=\"#2e9e44\">", "</g>"), "<rect") == 4);
  CHECK(count(section(spans, "<g class=\"gil-wait\" fill=\"#f4a3a3\">", "</g>"), "<rect") == 2);
  CHECK(count(section(spans, "<g class=\"sleep\" fill=\"#cccccc\">", "</g>"), "<rect") == 1);
}

TEST_CASE("svg has a legend with every state colour and a 1-2-5 time axis") {
  const std::string svg = activity_svg(sample_timeline());
  const std::string legend = section(svg, "<g id=\"legend\">", "</g>");
  for (const char* colour : {"#2e9e44", "#f4a3a3", "#4a7fd6", "#f0a030", "#cccccc"})
    CHECK(count(legend, std::string("fill=\"") + colour + "\"") == 1);
  for (const char* name : {">python<", ">gil-wait<", ">io<", ">native<", ">sleep<"})
    CHECK(count(legend, name) == 1);
  // 12ms of activity: ticks every 2ms.
  const std::string ticks = section(svg, "<g id=\"ticks\"", "</g>");
  CHECK(count(ticks, "<text") == 7);
  CHECK(ticks.find(">0</text>") != std::string::npos);
  CHECK(ticks.find(">2ms</text>") != std::string::npos);
  CHECK(ticks.find(">12ms</text>") != std::string::npos);
}

TEST_CASE("svg output is byte-identical for equal input") {
  const Timeline timeline = sample_timeline();
  Timeline reversed = timeline;
  std::reverse(reversed.spans.begin(), reversed.spans.end());
  CHECK(activity_svg(timeline) == activity_svg(timeline));
  CHECK(activity_svg(timeline) == activity_svg(reversed));
}

TEST_CASE("svg shows at most 64 lanes and notes the hidden threads") {
  const std::string svg = activity_svg(many_thread_timeline(70, 2, 0.01));
  CHECK(count(section(svg, "<g id=\"labels\"", "</g>"), "<text") == 64);
  CHECK(svg.find(">(6 more threads not shown)</text>") != std::string::npos);
  CHECK(svg.find(">app/t64</text>") == std::string::npos);
}

TEST_CASE("svg draws sub-pixel spans at pixel resolution in the majority state") {
  Timeline t;
  t.processes = {{"app"}};
  t.threads = {{0, "main", "app/main", {"step"}, {"cpu"}}};
  // 3us of Python then 1us of GIL wait, 100k times: far below a pixel each.
  for (int k = 0; k < 100000; ++k) {
    const double start = k * 4e-6;
    t.spans.push_back({0, ThreadState::Python, 0, k, start, start + 3e-6});
    t.spans.push_back({0, ThreadState::GilWait, 0, k, start + 3e-6, start + 4e-6});
  }
  const std::string spans = section(activity_svg(t), "<g id=\"spans\">", "<g id=\"axis\"");
  CHECK(count(spans, "<rect") == 1);
  CHECK(spans.find("class=\"python\"") != std::string::npos);
  CHECK(spans.find("class=\"gil-wait\"") == std::string::npos);
}

TEST_CASE("svg caps the rect count by coalescing every lane past 200k rects") {
  // 64 lanes x 3300 spans of ~0.29px each: 211k exact rects, over the cap.
  const std::string svg = activity_svg(many_thread_timeline(64, 3300, 1e-3));
  const size_t rects = count(section(svg, "<g id=\"spans\">", "<g id=\"axis\""), "<rect");
  CHECK(rects > 0);
  CHECK(rects <= 64 * 951);
  CHECK(svg.size() < 8u * 1024 * 1024);
}

TEST_CASE("writers accept an empty timeline") {
  const Timeline empty;
  const std::string json = chrome_json(empty);
  CHECK(JsonChecker(json).valid());
  CHECK(json.find("\"ph\"") == std::string::npos);
  const std::string svg = activity_svg(empty);
  CHECK(svg.find("<g id=\"spans\">\n</g>") != std::string::npos);
  CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
}

TEST_CASE("chrome trace has a steps track per thread with the step spans validate compares") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":1,\"tid\":2000001,\"name\":\"thread_name\",\"args\":{\"name\":\"main steps\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":2000001,\"ts\":2000.000,\"dur\":3000.000,\"name\":\"io\",\"cat\":\"step\","
                    "\"args\":{\"process\":\"app\",\"thread\":\"main\",\"step\":\"wait\",\"step_index\":1,\"iteration\":0}}") == 1);
  CHECK(count(json, "\"name\":\"start\",\"cat\":\"step\",\"args\":{\"process\":\"app\",\"thread\":\"main\",\"step\":\"start\",\"step_index\":-1") == 1);
}
