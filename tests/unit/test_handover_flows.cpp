// GIL hand-overs as flow arrows in the Chrome trace (sim/trace/ChromeGilFlows.*): the events,
// where they bind, the trace's size budget and --trace-window.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/timeline/Timeline.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/TimelineWindow.hpp"

using namespace gilsim;

namespace {

// Process "app": "main" runs Python until 5 ms, when a drop request makes it drop the GIL
// (forced); `say "hi"`, waiting since 0, takes it 50 us later, runs Python until 7.5 ms and
// drops it for a native call (voluntary); main, back in take_gil() since 5.1 ms, takes it at 7.55.
Timeline handover_timeline() {
  Timeline t;
  t.scenario = "flows";
  t.cores = 2;
  t.switch_interval = 0.005;
  t.processes = {{"app"}};
  t.threads = {{0, "main", "app/main", {"compute"}, {"cpu"}}, {0, "say \"hi\"", "app/say", {"spin", "call"}, {"cpu", "native"}}};
  using S = ThreadState;
  t.spans = {{0, S::Python, 0, 0, 0.0, 0.005},   {0, S::GilWait, 0, 0, 0.005, 0.00755}, {0, S::Python, 0, 0, 0.00755, 0.010},
             {1, S::GilWait, 0, 0, 0.0, 0.00505}, {1, S::Python, 0, 0, 0.00505, 0.0075}, {1, S::Native, 1, 0, 0.0075, 0.009}};
  t.gil_handovers = {{0, 1, true, 0.005, 0.00505, 0.00505}, {1, 0, false, 0.0075, 0.00755, 0.00245}};
  return t;
}

std::string trace_of(const Timeline& t, std::size_t max_bytes = std::string::npos) {
  std::ostringstream out;
  write_chrome_trace(t, out, max_bytes);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a GIL hand-over is a flow from 1 ns before the drop on the dropper's track to 1 ns before the take on the taker's") {
  const std::string json = trace_of(handover_timeline());
  // "s" at 5 ms - 1 ns on main's state track (pid 1, tid 1): inside main's python span [0, 5 ms),
  // which Perfetto and chrome://tracing bind it to (the enclosing slice).
  CHECK(count(json, "{\"ph\":\"s\",\"pid\":1,\"tid\":1,\"ts\":4999.999,\"name\":\"GIL hand-over (forced)\","
                    "\"cat\":\"gil-handover\",\"id\":0,\"args\":{\"kind\":\"forced\",\"from\":\"main\","
                    "\"to\":\"say \\\"hi\\\"\",\"dropped_us\":5000.000,\"taken_us\":5050.000,\"taker_wait_us\":5050.000}}") == 1);
  // "f" at 5.05 ms - 1 ns on the taker's track (tid 2), at the end of its gil-wait span: it binds
  // to the next slice to begin there (no "bp": the "next slice" binding), its python span from 5.05 ms.
  CHECK(count(json, "{\"ph\":\"f\",\"pid\":1,\"tid\":2,\"ts\":5049.999,\"name\":\"GIL hand-over (forced)\","
                    "\"cat\":\"gil-handover\",\"id\":0}") == 1);
  CHECK(count(json, "{\"ph\":\"s\",\"pid\":1,\"tid\":2,\"ts\":7499.999,\"name\":\"GIL hand-over (voluntary)\","
                    "\"cat\":\"gil-handover\",\"id\":1,\"args\":{\"kind\":\"voluntary\",\"from\":\"say \\\"hi\\\"\","
                    "\"to\":\"main\",\"dropped_us\":7500.000,\"taken_us\":7550.000,\"taker_wait_us\":2450.000}}") == 1);
  CHECK(count(json, "{\"ph\":\"f\",\"pid\":1,\"tid\":1,\"ts\":7549.999,\"name\":\"GIL hand-over (voluntary)\","
                    "\"cat\":\"gil-handover\",\"id\":1}") == 1);
  const YAML::Node doc = YAML::Load(json);
  CHECK(doc["otherData"]["gil_handover_flows"]["written"].as<int>() == 2);
  CHECK(doc["otherData"]["gil_handover_flows"]["left_out"].as<int>() == 0);

  // In any recording order, the same bytes (flows are sorted by time).
  Timeline reversed = handover_timeline();
  std::reverse(reversed.gil_handovers.begin(), reversed.gil_handovers.end());
  CHECK(trace_of(reversed) == json);
  // Negative control: without hand-overs, no flow events.
  Timeline none = handover_timeline();
  none.gil_handovers.clear();
  CHECK(count(trace_of(none), "gil-handover") == 0);
}

TEST_CASE("hand-over arrows stop before the trace's byte budget, the latest first, and otherData counts them") {
  const Timeline t = handover_timeline();
  Timeline bare = t;
  bare.gil_handovers.clear();
  const std::size_t without = trace_of(bare).size();
  const std::size_t full = trace_of(t).size();
  REQUIRE(full > without);
  int previous = 0;
  bool saw_one = false;
  for (std::size_t budget = without; budget <= full + 4096; ++budget) {
    std::ostringstream out;
    const chrome::HandoverFlows flows = write_chrome_trace(t, out, budget);
    const std::string json = out.str();
    CAPTURE(budget);
    // Never past the budget, always a whole JSON document, and the arrows kept are the earliest.
    REQUIRE(json.size() <= budget);
    CHECK(flows.written + flows.left_out == 2);
    CHECK(flows.written >= previous);
    previous = static_cast<int>(flows.written);
    if (flows.written == 1) {
      saw_one = true;
      CHECK(flows.left_out_from == 0.0075);
      CHECK(count(json, "\"id\":0") == 2);
      CHECK(count(json, "\"id\":1") == 0);
    }
    if (flows.written == 0) CHECK(flows.left_out_from == 0.005);
    if (budget % 64 == 0 || flows.written == 1) {  // parsing every one would take seconds
      const YAML::Node doc = YAML::Load(json);
      CHECK(doc["otherData"]["gil_handover_flows"]["left_out"].as<int>() == flows.left_out);
    }
  }
  CHECK(saw_one);
  CHECK(previous == 2);  // with room for both, both are written
}

TEST_CASE("--trace-window keeps the hand-overs whose drop and take are both in the window") {
  Timeline first = handover_timeline();
  keep_spans_in_window(first, 0, 0.006);
  REQUIRE(first.gil_handovers.size() == 1);
  CHECK(first.gil_handovers[0].dropped == 0.005);
  Timeline second = handover_timeline();
  keep_spans_in_window(second, 0.006, 0.010);
  REQUIRE(second.gil_handovers.size() == 1);
  CHECK(second.gil_handovers[0].dropped == 0.0075);
  // A window that cuts the first between its drop (5 ms) and take (5.05 ms) leaves it out.
  Timeline cut = handover_timeline();
  keep_spans_in_window(cut, 0.00502, 0.010);
  REQUIRE(cut.gil_handovers.size() == 1);
  CHECK(cut.gil_handovers[0].dropped == 0.0075);
  // ... and so does one that cuts it between its drop and its take at the end (5.02 ms < 5.05 ms).
  Timeline cut_end = handover_timeline();
  keep_spans_in_window(cut_end, 0, 0.00502);
  CHECK(cut_end.gil_handovers.empty());
}
