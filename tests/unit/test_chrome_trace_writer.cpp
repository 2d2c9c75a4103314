// The Chrome trace writer (sim/trace/ChromeTraceWriter) on the sample timeline of
// TraceWriterSupport.hpp; the activity SVG writer: test_activity_svg_writer.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "tests/unit/TraceWriterSupport.hpp"

using namespace gilsim;
using namespace gilsim::testing;

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

TEST_CASE("chrome trace has a steps track per thread with the step spans validate compares") {
  const std::string json = chrome_json(sample_timeline());
  CHECK(count(json, "{\"ph\":\"M\",\"pid\":1,\"tid\":2000001,\"name\":\"thread_name\",\"args\":{\"name\":\"main steps\"}}") == 1);
  CHECK(count(json, "{\"ph\":\"X\",\"pid\":1,\"tid\":2000001,\"ts\":2000.000,\"dur\":3000.000,\"name\":\"io\",\"cat\":\"step\","
                    "\"args\":{\"process\":\"app\",\"thread\":\"main\",\"step\":\"wait\",\"step_index\":1,\"iteration\":0}}") == 1);
  CHECK(count(json, "\"name\":\"start\",\"cat\":\"step\",\"args\":{\"process\":\"app\",\"thread\":\"main\",\"step\":\"start\",\"step_index\":-1") == 1);
}
