// gilsim export --layout (sim/loader/LayoutJson.cpp): the instances and random draws that
// scripts/record.py executes instead of re-deriving them. That the draws are the ones the
// simulation takes is checked end to end by tests/scripts/test_record_layout.py.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/loader/LayoutJson.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/util/Rng.hpp"

using namespace gilsim;

namespace {

YAML::Node layout_of(const std::string& file) {
  const std::vector<Scenario> scenarios = load_scenarios(file, {});
  REQUIRE(scenarios.size() == 1);
  std::ostringstream out;
  write_layout_json(out, scenarios.front());
  return YAML::Load(out.str());
}

YAML::Node thread_named(const YAML::Node& layout, const std::string& name) {
  for (const YAML::Node& process : layout["processes"])
    for (const YAML::Node& thread : process["threads"])
      if (thread["name"].as<std::string>() == name) return thread;
  FAIL("no thread " << name);
  return {};
}

// The exported uniforms are exactly the first draws of the thread's own stream.
void check_stream(const YAML::Node& thread, uint64_t seed) {
  Rng stream = Rng::for_stream(seed, thread["index"].as<uint64_t>());
  REQUIRE(thread["uniforms"].IsSequence());
  for (const YAML::Node& u : thread["uniforms"]) CHECK(u.as<double>() == stream.uniform());
}

}  // namespace

TEST_CASE("layout: each thread's random draws, counted as the run can take them") {
  const YAML::Node layout = layout_of("tests/fixtures/layout_draws.yaml");
  const YAML::Node producer = thread_named(layout, "producer");
  const YAML::Node consumer = thread_named(layout, "consumer");
  // producer: repeat 3 x (uniform io, fixed io): 3 draws; a fixed latency draws nothing.
  CHECK(producer["random_draws"].as<double>() == 3);
  CHECK(producer["uniforms"].size() == 3);
  check_stream(producer, 11);
  // consumer: one exponential io per message; jobs carries 3 + 1 puts.
  CHECK(consumer["random_draws"].as<double>() == 4);
  check_stream(consumer, 11);
  // The loop thread draws nothing itself; each of its 2 executor threads may run both tasks'
  // run_in_executor calls: 2 draws each, from its own stream (index 3 and 4).
  CHECK(thread_named(layout, "loop")["random_draws"].as<double>() == 0);
  for (const char* name : {"loop-executor[0]", "loop-executor[1]"}) {
    const YAML::Node executor = thread_named(layout, name);
    CHECK(executor["role"].as<std::string>() == "executor");
    CHECK(executor["loop_thread"].as<int>() == 2);
    CHECK(executor["random_draws"].as<double>() == 2);
    check_stream(executor, 11);
  }
  // Negative control: two streams differ (a copy of one thread's draws would fail check_stream).
  CHECK(thread_named(layout, "loop-executor[0]")["uniforms"][0].as<double>() !=
        thread_named(layout, "loop-executor[1]")["uniforms"][0].as<double>());
}

TEST_CASE("layout: roles, program references and step tables") {
  const YAML::Node layout = layout_of("tests/fixtures/layout_draws.yaml");
  const YAML::Node producer = thread_named(layout, "producer");
  CHECK(producer["role"].as<std::string>() == "program");
  CHECK(producer["program"][0].as<int>() == 0);
  CHECK(producer["program"][1].as<int>() == 0);
  CHECK(thread_named(layout, "loop-executor[0]")["program"].IsNull());
  // Step indices in pre-order, the repeat counted: repeat, io, io, put, then the last put.
  REQUIRE(producer["steps"].size() == 5);
  CHECK(producer["steps"][0][0].as<std::string>() == "repeat");
  CHECK(producer["steps"][2][1].as<std::string>() == "io 1ms");
  CHECK(producer["steps"][4][0].as<std::string>() == "put");
  CHECK(layout["processes"][0]["synthesized"].as<bool>() == false);
}

TEST_CASE("layout: a thread drawing more than the recorder takes gets its count and no draws") {
  const YAML::Node layout = layout_of("tests/fixtures/layout_draws_cap.yaml");
  const YAML::Node many = thread_named(layout, "many");
  CHECK(many["random_draws"].as<double>() == 2000001);  // one over kMaxExportedDraws
  CHECK(many["uniforms"].IsNull());
  const YAML::Node few = thread_named(layout, "few");
  CHECK(few["random_draws"].as<double>() == 2);
  check_stream(few, 1);
}
