// The activity SVG writer (sim/trace/SvgWriter) on the sample timeline of TraceWriterSupport.hpp,
// and both writers on an empty timeline; the Chrome trace writer: test_chrome_trace_writer.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "tests/unit/TraceWriterSupport.hpp"

using namespace gilsim;
using namespace gilsim::testing;

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
