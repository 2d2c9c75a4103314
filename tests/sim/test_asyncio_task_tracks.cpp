// Each asyncio task that serves no request is an async track of its loop's process in the trace
// (sim/trace/ChromeTaskEvents.*), from its creation to its return.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "sim/trace/ChromeTraceWriter.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// "N start0 end0 start1 end1 ... | trace", the task spans in order of their ends.
std::string task_spans_and_trace(const Scenario& scenario) {
  return simulate_and(scenario, [](const Timeline& t) {
    std::ostringstream out;
    out.precision(17);
    out << t.task_spans.size();
    for (const TaskSpan& s : t.task_spans) out << " " << s.start << " " << s.end;
    out << " | ";
    write_chrome_trace(t, out);
    return out.str();
  });
}

}  // namespace

TEST_CASE("each asyncio task is an async slice from its creation to its return") {
  const std::string result = task_spans_and_trace(load_variant("tests/fixtures/asyncio_task_tracks.yaml", ""));
  std::istringstream in(result.substr(0, result.find(" | ")));
  const std::string trace = result.substr(result.find(" | ") + 3);
  std::size_t tasks = 0;
  in >> tasks;
  REQUIRE(tasks == 3);
  // The loop creates the three tasks at 0 and runs them in order: task k runs its 1 ms of Python
  // from k ms (no step overhead), awaits its 10 ms call, which completes at k + 11 ms, and returns
  // then: ends at 11, 12 and 13 ms (the loop's GIL is never contended).
  for (int k = 0; k < 3; ++k) {
    double start = -1, end = -1;
    in >> start >> end;
    CAPTURE(k);
    CHECK_ABS(start, 0.0, 1e-12);
    CHECK_ABS(end, 0.011 + 0.001 * k, 1e-9);
  }
  // One "b" and one "e" per task, named after the coroutine ("task" for `tasks: N`), on the loop's
  // process (pid 1), each with its own id, the task's name in the args.
  CHECK(count(trace, "{\"ph\":\"b\",\"pid\":1,\"tid\":1,\"ts\":0.000,\"cat\":\"asyncio-task\",\"id\":\"task:0:0:1\","
                     "\"name\":\"task\",\"args\":{\"task\":\"task[1]\",\"loop\":\"loop\"}}") == 1);
  CHECK(count(trace, "{\"ph\":\"e\",\"pid\":1,\"tid\":1,\"ts\":12000.000,\"cat\":\"asyncio-task\",\"id\":\"task:0:0:1\","
                     "\"name\":\"task\"}") == 1);
  CHECK(count(trace, "\"cat\":\"asyncio-task\"") == 6);

  // Negative control: tasks that serve requests are the requests' slices, not task slices.
  const std::string served = task_spans_and_trace(load_variant("tests/fixtures/requests_on_loop.yaml", ""));
  CHECK(served.rfind("0 | ", 0) == 0);
  CHECK(count(served, "\"cat\":\"asyncio-task\"") == 0);
  CHECK(count(served, "\"ph\":\"b\",\"pid\":1000001,\"tid\":0,\"ts\":") >= 5);  // its 5 requests
}
