// Program traces (sim/validation/SpanTrace): what a validation program writes is read back with
// its runs placed in their spans, and malformed traces are refused naming the file and the event.
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <string>

#include "sim/util/ScenarioError.hpp"
#include "sim/validation/SpanTrace.hpp"

using namespace gilsim;

namespace {

const std::string kOther =
    R"("otherData": {"format": "spans", "switch_interval_s": 0.005, "host": {"cpu_model": "X", "logical_cpus": 2},
    "work": {"n": 3}, "noise": {"noisy": false, "others_cpu_share": 0.01, "niced_cpu_share": 0, "steal_share": 0},
    "gil_runs": {"min_pause_ns": 50000}})";

std::string span(const std::string& thread, const std::string& name, double ts, double dur) {
  return R"({"ph": "X", "cat": "span", "name": ")" + name + R"(", "ts": )" + std::to_string(ts) + R"(, "dur": )" +
         std::to_string(dur) + R"(, "args": {"process": "main", "thread": ")" + thread + R"("}})";
}

std::string run(const std::string& thread, double ts, double dur) {
  return R"({"ph": "X", "cat": "state", "name": "python", "ts": )" + std::to_string(ts) + R"(, "dur": )" +
         std::to_string(dur) + R"(, "args": {"process": "main", "thread": ")" + thread + R"("}})";
}

std::string write(const std::string& events, const std::string& other = kOther) {
  static int counter = 0;
  const std::string path = "/tmp/gilsim_span_trace_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".json";
  std::ofstream(path) << "{\"traceEvents\": [" << events << "], " << other << "}";
  return path;
}

std::string error_of(const std::string& path) {
  try {
    read_span_trace(path);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a program trace's GIL runs belong to the innermost span of their thread that contains them") {
  // w runs a "run" span 0-10 ms around a "cpu" span 1-9 ms; its runs 1-4 and 5-9 ms are the cpu span's.
  const SpanTrace t = read_span_trace(write(span("w", "run", 0, 10000) + "," + span("w", "cpu", 1000, 8000) + "," +
                                            run("w", 1000, 3000) + "," + run("w", 5000, 4000)));
  REQUIRE(t.spans.size() == 2);
  REQUIRE(t.runs.size() == 2);
  CHECK(t.runs[0].span_kind == "cpu");
  CHECK(t.runs[1].end == doctest::Approx(9e-3).epsilon(1e-12));
  CHECK(t.min_pause == doctest::Approx(50e-6).epsilon(1e-12));
  CHECK(t.host.at("logical_cpus") == "2");
  CHECK(t.work.at("n") == 3);
  CHECK_FALSE(t.noisy);
}

TEST_CASE("malformed program traces are refused with the file, the event and what is wrong") {
  const std::string cpu = span("w", "cpu", 0, 1000);
  std::string path = write(cpu + "," + run("w", 500, 1000));
  CHECK(error_of(path) == path + ": error: not a valid program trace: traceEvents[1]: the python span of main/w at 500us lies "
                                 "in no span of its thread");
  path = write(cpu + "," + run("w", 0, 600) + "," + run("w", 500, 400));
  CHECK(error_of(path) == path + ": error: not a valid program trace: the GIL runs (python spans) of main/w overlap at 500us: "
                                 "a thread's runs must be disjoint");
  path = write(cpu, R"("otherData": {"format": "steps"})");
  CHECK(error_of(path) == path + ": error: not a valid program trace: otherData.format is 'steps', expected 'spans' (a trace "
                                 "of scenarios/validation/<case>/program.py)");
  path = write(R"({"ph": "X", "cat": "span", "name": "cpu", "ts": -1, "dur": 2, "args": {"process": "main", "thread": "w"}})");
  CHECK(error_of(path) == path + ": error: not a valid program trace: traceEvents[0]: negative or non-finite ts or dur");
  path = write("");
  CHECK(error_of(path) == path + ": error: not a valid program trace: no spans (events with \"cat\": \"span\")");
  path = write(cpu, R"("otherData": {"format": "spans", "switch_interval_s": "fast"})");
  CHECK(error_of(path).find("otherData needs switch_interval_s, noise") != std::string::npos);
}

TEST_CASE("a program trace's request events are its requests, apart from its spans, and need no GIL run") {
  const std::string request =
      R"({"ph": "X", "cat": "request", "name": "http", "ts": 5000, "dur": 10500, "args": {"process": "client", "thread": "load"}})";
  const SpanTrace t = read_span_trace(write(span("w", "handle", 5000, 10000) + "," + request));
  REQUIRE(t.requests.size() == 1);
  CHECK(t.spans.size() == 1);
  CHECK(t.requests[0].name == "http");
  CHECK(t.requests[0].process == "client");
  CHECK(t.requests[0].start == doctest::Approx(5e-3).epsilon(1e-12));
  CHECK(t.requests[0].end == doctest::Approx(15.5e-3).epsilon(1e-12));
  const std::string path = write(span("w", "handle", 0, 1000) + "," +
                                 R"({"ph": "X", "cat": "request", "name": "", "ts": 0, "dur": 1, "args": {"process": "c", "thread": "l"}})");
  CHECK(error_of(path) == path + ": error: not a valid program trace: traceEvents[1]: a request without a name");
}
