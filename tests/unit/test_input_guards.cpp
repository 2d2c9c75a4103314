// The guards in front of the loaders (issue 15): number syntax, the YAML structure check (alias
// expansion counted, duplicate keys, documents), the step-execution bound, the streaming JSON
// reader and the small parsers of the command line, each against hand-computed cases.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "sim/cli/SimgridOptions.hpp"
#include "sim/cli/TimeWindow.hpp"
#include "sim/loader/ExecutionCount.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/loader/YamlGuard.hpp"
#include "sim/trace/ColumnUnit.hpp"
#include "sim/trace/JsonStreamReader.hpp"
#include "sim/util/NumberSyntax.hpp"
#include "sim/util/ScenarioError.hpp"

using namespace gilsim;

namespace {

std::string problem_of(const std::string& yaml, std::size_t max_nodes = 1000) {
  const auto problem = check_yaml_structure(yaml, max_nodes);
  return problem ? std::to_string(problem->mark.line + 1) + ":" + std::to_string(problem->mark.column + 1) + " " +
                       problem->message
                 : "none";
}

double executions(const std::string& workload) {
  const auto scenarios = load_scenarios_text("count.yaml", "workload:\n" + workload, {});
  return count_workload_executions(scenarios.front().processes).steps;
}

std::string json_error(const std::string& text, std::size_t max_total = 1 << 20, std::size_t max_value = 1 << 16) {
  std::istringstream in(text);
  JsonStreamReader json(in, "t.json", max_total, max_value);
  try {
    json.read_value();
    json.end_of_document();
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "none";
}

}  // namespace

TEST_CASE("number syntax: digits, fraction, exponent - no blanks, '+', hex, inf or nan") {
  for (const char* good : {"3", "-3", "1.5", ".5", "5.", "2e-3", "1.771e+9"}) CHECK_MESSAGE(is_number_text(good), good);
  for (const char* bad : {"", " 3", "3 ", "+3", "0x10", "inf", "nan", "1e", "-", ".", "1,5"})
    CHECK_MESSAGE(!is_number_text(bad), bad);
  CHECK(is_integer_text("-12"));
  CHECK(!is_integer_text("1.0"));
  CHECK(!is_integer_text("+1"));
  CHECK(number_prefix_length("10ms") == 2);
  CHECK(number_prefix_length("1e3s") == 3);
  CHECK(number_prefix_length("5ex") == 1);  // "e" without digits is not an exponent
}

TEST_CASE("YAML structure: an alias counts as the nodes it repeats") {
  // &a is a list of 3 scalars: 4 nodes. The root map (1), its keys x, y (2), &a (4) and *a (4): 11.
  CHECK(problem_of("x: &a [1, 2, 3]\ny: *a\n", 11) == "none");
  CHECK(problem_of("x: &a [1, 2, 3]\ny: *a\n", 10).find("2:4 the document expands to more than 10 YAML nodes") == 0);
  // Ten aliases of a 4-node list, nested three levels: 4 + 10 x 4 + 1 ... grows as 10^k.
  std::string bomb = "a: &a [1, 2, 3]\n";
  std::string previous = "a";
  for (int level = 1; level <= 6; ++level) {
    const std::string name = "l" + std::to_string(level);
    bomb += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + previous;
    bomb += "]\n";
    previous = name;
  }
  CHECK(problem_of(bomb, 1000000).find("the document expands to more than 1000000 YAML nodes") != std::string::npos);
}

TEST_CASE("YAML structure: duplicate keys, a second document, a recursive alias") {
  CHECK(problem_of("a: 1\nb: 2\na: 3\n") == "3:1 duplicate key 'a' (first at line 1); a key may appear once per mapping");
  CHECK(problem_of("m: {x: 1, y: 2, x: 3}\n") == "1:17 duplicate key 'x' (first at line 1); a key may appear once per mapping");
  CHECK(problem_of("a: 1\n---\nb: 2\n") == "2:1 a second YAML document (after '---'); expected one scenario per file");
  CHECK(problem_of("a: &r [1, *r]\n") == "1:11 an alias of a node that contains it (a recursive alias)");
  CHECK(problem_of("a: [1, 2\n") == "none");  // a syntax error is left to YAML::Load and its message
  CHECK(problem_of("a: 1\nb: {a: 1}\n") == "none");  // equal keys in different mappings
}

TEST_CASE("step executions: repeats multiply, consume bodies count once per message put") {
  // 2 threads x (1 + 3 x 2) steps = 14.
  CHECK(executions("  processes:\n    - threads: [{count: 2, program: [{cpu: 1ms}, {repeat: {count: 3, steps: "
                   "[{cpu: 1ms}, {io: 1ms}]}}]}]\n") == 14);
  // A producer puts 5 messages (5 puts); the consumer's consume step (1), then per message its
  // get and 2 steps: 5 + 1 + 5 x 3 = 21.
  CHECK(executions("  channels: [{name: q, kind: queue}]\n  processes:\n    - threads:\n"
                   "        - program: [{repeat: {count: 5, steps: [{put: {channel: q}}]}}]\n"
                   "        - program: [{consume: {channel: q, steps: [{cpu: 1ms}, {cpu: 1ms}]}}]\n") == 21);
  // A pipeline: q1 gets 4 messages, each forwarded twice to q2 (8 messages). Producer 4 puts;
  // stage 1: 1 + 4 x (1 get + 2 puts) = 13; stage 2: 1 + 8 x (1 get + 1 cpu) = 17. 4 + 13 + 17 = 34.
  CHECK(executions("  channels: [{name: q1, kind: queue}, {name: q2, kind: queue}]\n  processes:\n    - threads:\n"
                   "        - program: [{repeat: {count: 4, steps: [{put: {channel: q1}}]}}]\n"
                   "        - program: [{consume: {channel: q1, steps: [{put: {channel: q2}}, {put: {channel: q2}}]}}]\n"
                   "        - program: [{consume: {channel: q2, steps: [{cpu: 1ms}]}}]\n") == 34);
  CHECK(format_count(8000002000001.0) == "8000002000001");
  CHECK(format_count(1e135) == "1e+135");
}

TEST_CASE("streaming JSON: strict grammar, positions, limits") {
  CHECK(json_error("{\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude42\", true, null]}") == "none");
  CHECK(json_error("[1, .5]") == "t.json:1:5: error: not valid JSON: expected a value (object, array, string, number, "
                                 "true, false or null)");
  CHECK(json_error("[NaN]") == "t.json:1:2: error: not valid JSON: expected a value (object, array, string, number, "
                               "true, false or null)");
  CHECK(json_error("[1e400]") == "t.json:1:7: error: not valid JSON: number 1e400 is out of range");
  CHECK(json_error("[01]") == "t.json:1:3: error: not valid JSON: a number with a leading zero");
  CHECK(json_error("[\"a\nb\"]") == "t.json:1:4: error: not valid JSON: a control character inside a string (it must be "
                                    "escaped)");
  CHECK(json_error("[\"\\ud83d\"]") == "t.json:1:10: error: not valid JSON: a high surrogate without its low surrogate");
  CHECK(json_error("[\"\xff\"]") == "t.json:1:3: error: not valid JSON: a byte that is not UTF-8 inside a string");
  CHECK(json_error("[1] 2") == "t.json:1:5: error: not valid JSON: unexpected text after the end of the document");
  CHECK(json_error(std::string(70, '[') + std::string(70, ']')).find("values nested deeper than 64 levels") !=
        std::string::npos);
  CHECK(json_error("[" + std::string(2000, ' ') + "1]", 1024).find("the file is larger than the limit") != std::string::npos);
  CHECK(json_error("\"" + std::string(2000, 'x') + "\"", 1 << 20, 1024).find("a string longer than 1 KiB") !=
        std::string::npos);
  JsonValue n;
  n.type = JsonValue::Type::Number;
  int64_t out = 0;
  n.text = "9007199254740993", n.number = 9007199254740993.0;
  CHECK(!n.integer(-(int64_t{1} << 53), int64_t{1} << 53, out));  // beyond 2^53: not exact
  n.text = "-5", n.number = -5;
  CHECK(!n.integer(0, 10, out));
  CHECK(n.integer(-10, 10, out));
  CHECK(out == -5);
}

TEST_CASE("command-line parsers: time windows and SimGrid --log settings") {
  const TimeWindow w = parse_time_window("--svg-window", "10ms:1.5s");
  CHECK(w.start == doctest::Approx(0.010));
  CHECK(w.end == doctest::Approx(1.5));
  CHECK(parse_time_window("--svg-window", ":50ms").start == 0);
  CHECK_THROWS_AS(parse_time_window("--svg-window", "50ms"), ScenarioError);
  CHECK_THROWS_AS(parse_time_window("--svg-window", "0:0s"), ScenarioError);
  CHECK_NOTHROW(check_simgrid_log("no_loc"));
  CHECK_NOTHROW(check_simgrid_log("root.thresh:critical surf.thres:INFO ker_engine.app:file:/dev/null root.fmt:%m%n"));
  for (const char* bad : {"bogus", "root:info", ".thresh:info", "root.thresh", "root.colour:red", "root.app:stdout", ""})
    CHECK_THROWS_AS(check_simgrid_log(bad), ScenarioError);
}

TEST_CASE("a table column's unit is the largest in which its largest value is at least 1") {
  CHECK(std::string(ColumnUnit::for_values({8.0793, 0.565603, 6.75e-9}, 5).suffix) == "s");
  CHECK(ColumnUnit::for_values({8.0793, 0.565603}, 5).format(0.565603) == "0.5656s");   // 5 digits of 8.0793
  CHECK(ColumnUnit::for_values({0.0203, 0.0005}, 5).format(0.0005) == "0.500ms");       // 5 digits of 20.300
  CHECK(ColumnUnit::for_values({0.1532555, 0.02}, 5).format(0.02) == "20.00ms");        // 5 digits of 153.26
  CHECK(ColumnUnit::for_values({0, 0}, 4).format(0) == "0.000s");
}
