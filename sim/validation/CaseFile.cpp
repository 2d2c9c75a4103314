#include "sim/validation/CaseFile.hpp"

#include <fstream>
#include <set>

#include <yaml-cpp/yaml.h>

#include "sim/loader/NodeReader.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/loader/YamlFile.hpp"
#include "sim/validation/CaseReading.hpp"
#include "sim/validation/ModelScale.hpp"

namespace gilsim {
namespace {

// Case files are read by people and CI alike: a key given twice is an error, never a silent pick.
void reject_duplicate_keys(const YamlSource& source, const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const std::string inner = path.empty() ? key : path + "." + key;
      if (!seen.insert(key).second) source.fail(entry.first, inner, "duplicate key");
      reject_duplicate_keys(source, entry.second, inner);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) reject_duplicate_keys(source, node[i], path + "[" + std::to_string(i) + "]");
  }
}

// Replaces every {KEY} of `text` by its value; {work.*} stays for the runner. Unknown keys fail.
std::string substitute(const ValueReader& values, const YAML::Node& node, const std::string& path, const std::string& text,
                       const std::vector<std::pair<std::string, std::string>>& bindings) {
  // {KEY} and {KEY.FIELD} come from the run's matrix.
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
      continue;
    }
    const std::string key = text.substr(i + 1, close - i - 1);
    bool found = key.rfind("work.", 0) == 0;
    if (found) out += text.substr(i, close - i + 1);
    for (const auto& [name, value] : bindings)
      if (!found && name == key) {
        out += value;
        found = true;
      }
    if (!found) values.source.fail(node, path, "unknown placeholder {" + key + "}: expected a matrix key or {work.KEY}");
    i = close;
  }
  return out;
}

using Bindings = std::vector<std::pair<std::string, std::string>>;  // placeholder -> text

struct RunTemplate {
  YAML::Node node;
  std::string path;
  std::vector<std::vector<Bindings>> matrix;  // per key, per value: what it binds
};

// One matrix value: a scalar binds {KEY}; a mapping binds {KEY.FIELD} for each of its fields,
// so that values that go together (a run name's suffix, an argument, a machine) vary together.
Bindings matrix_value(const ValueReader& values, const YAML::Node& node, const std::string& path, const std::string& key) {
  if (!node.IsMap()) return {{key, values.string(node, path)}};
  Bindings out;
  for (const auto& field : node) out.emplace_back(key + "." + field.first.Scalar(), values.string(field.second, path + "." + field.first.Scalar()));
  return out;
}

// Every combination of the matrix values, the first key varying slowest.
std::vector<Bindings> combinations(const RunTemplate& t) {
  std::vector<Bindings> out{{}};
  for (const std::vector<Bindings>& options : t.matrix) {
    std::vector<Bindings> next;
    for (const Bindings& partial : out)
      for (const Bindings& v : options) {
        next.push_back(partial);
        next.back().insert(next.back().end(), v.begin(), v.end());
      }
    out = std::move(next);
  }
  return out;
}

void read_runs(const ValueReader& values, const YAML::Node& node, CaseFile& c) {
  values.expect_sequence(node, "runs");
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    RunTemplate t{node[i], "runs[" + std::to_string(i) + "]", {}};
    MapReader map(values.source, t.node, t.path);
    const YAML::Node name = map.require("name");
    const YAML::Node matrix = map.get("matrix");
    const YAML::Node args = map.get("args");
    const YAML::Node scenario = map.get("scenario");
    const YAML::Node variant = map.get("variant");
    const YAML::Node set = map.get("set");
    map.reject_unknown_keys();
    if (matrix.IsDefined()) {
      MapReader keys(values.source, matrix, map.path_of("matrix"));
      for (const auto& entry : matrix) {
        const std::string key = entry.first.Scalar();
        keys.get(key);
        const YAML::Node list = entry.second;
        values.expect_sequence(list, keys.path_of(key));
        if (list.size() == 0) values.source.fail(list, keys.path_of(key), "expected at least one value");
        t.matrix.emplace_back();
        for (std::size_t k = 0; k < list.size(); ++k)
          t.matrix.back().push_back(matrix_value(values, list[k], keys.path_of(key) + "[" + std::to_string(k) + "]", key));
      }
    }
    for (const auto& binding : combinations(t)) {
      CaseRun run;
      run.where = values.source.where(t.node);
      run.name = substitute(values, name, map.path_of("name"), values.string(name, map.path_of("name")), binding);
      if (run.name.empty() || run.name.find_first_of("/ *|") != std::string::npos)
        values.source.fail(name, map.path_of("name"), "a run name must be non-empty, without '/', '*', '|' or spaces, got '" + run.name + "'");
      if (!names.insert(run.name).second) values.source.fail(name, map.path_of("name"), "duplicate run name '" + run.name + "'");
      if (args.IsDefined())
        for (const std::string& a : read_strings(values, args, map.path_of("args")))
          if (std::string s = substitute(values, args, map.path_of("args"), a, binding); !s.empty()) run.args.push_back(s);
      run.scenario = c.scenario;
      if (!scenario.IsDefined() && c.scenario.empty())
        values.source.fail(t.node, t.path, "missing required key 'scenario' (the case has no default scenario)");
      if (scenario.IsDefined()) {
        const std::string at = map.path_of("scenario");
        run.scenario = c.directory + "/" + substitute(values, scenario, at, values.string(scenario, at), binding);
        if (!std::ifstream(run.scenario)) values.source.fail(scenario, at, "cannot open '" + run.scenario + "'");
      }
      if (variant.IsDefined())
        run.variant = substitute(values, variant, map.path_of("variant"), values.string(variant, map.path_of("variant")), binding);
      if (set.IsDefined())
        for (const std::string& s : read_strings(values, set, map.path_of("set")))
          run.overrides.push_back(substitute(values, set, map.path_of("set"), s, binding));
      c.runs.push_back(std::move(run));
    }
  }
  if (c.runs.empty()) values.source.fail(node, "runs", "expected at least one run");
}

void read_controls(const ValueReader& values, const YAML::Node& node, CaseFile& c) {
  values.expect_sequence(node, "controls");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "controls[" + std::to_string(i) + "]";
    MapReader map(values.source, node[i], path);
    CaseControl control;
    control.where = values.source.where(node[i]);
    control.name = unique_name(values, map, node[i], c.controls, "control");
    const YAML::Node scale = map.require("scale");
    MapReader factors(values.source, scale, map.path_of("scale"));
    for (const auto& entry : scale) {
      const std::string key = entry.first.Scalar();
      factors.get(key);
      if (!is_scalable(key))
        values.source.fail(entry.first, factors.path_of(key), "not a parameter a control can scale; expected one of: " + scalable_parameters());
      control.scales.emplace_back(key, values.number(entry.second, factors.path_of(key), 0, 1e6));
    }
    if (control.scales.empty()) values.source.fail(scale, map.path_of("scale"), "expected at least one parameter");
    const YAML::Node must_fail = map.require("must_fail");
    control.must_fail = read_strings(values, must_fail, map.path_of("must_fail"));
    map.reject_unknown_keys();
    if (control.must_fail.empty()) values.source.fail(must_fail, map.path_of("must_fail"), "expected at least one 'run/metric'");
    for (const std::string& named : control.must_fail) {
      const std::size_t slash = named.find('/');
      const std::string run = named.substr(0, slash);
      const std::string metric = slash == std::string::npos ? "" : named.substr(slash + 1);
      const MetricSpec* found = nullptr;
      for (const MetricSpec& m : c.metrics) found = m.name == metric ? &m : found;
      bool run_found = false;
      for (const CaseRun& r : c.runs) run_found |= r.name == run;
      if (!found || !run_found || !c.metric_applies(*found, run))
        values.source.fail(must_fail, map.path_of("must_fail"), "'" + named + "' is not a comparison of this case (expected RUN/METRIC)");
    }
    c.controls.push_back(std::move(control));
  }
}

std::string directory_of(const std::string& file) {
  const std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

}  // namespace

bool pattern_matches(const std::string& pattern, const std::string& text) {
  const std::size_t bar = pattern.find('|');
  if (bar != std::string::npos)
    return pattern_matches(pattern.substr(0, bar), text) || pattern_matches(pattern.substr(bar + 1), text);
  // Iterative '*' matching with backtracking to the last star.
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool CaseFile::metric_applies(const MetricSpec& metric, const std::string& run) const {
  if (metric.runs.empty()) return true;
  for (const std::string& pattern : metric.runs)
    if (pattern_matches(pattern, run)) return true;
  return false;
}

CaseFile read_case_file(const std::string& file) {
  YamlSource source(file);
  const YAML::Node root = load_yaml_file(file, "case file", "YAML");
  source.set_document(root);
  reject_duplicate_keys(source, root, "");
  const ValueReader values{source};
  MapReader map(source, root, "");
  CaseFile c;
  c.file = file;
  c.directory = directory_of(file);
  c.name = values.string(map.require("case"), "case");
  if (const YAML::Node d = map.get("description"); d.IsDefined()) c.description = values.text(d, "description");
  // Paths are relative to the case file; the scenario and the profile must exist.
  auto path = [&](const char* key, bool must_exist) {
    const YAML::Node node = map.require(key);
    const std::string resolved = c.directory + "/" + values.string(node, key);
    if (must_exist && !std::ifstream(resolved)) source.fail(node, key, "cannot open '" + resolved + "'");
    return resolved;
  };
  c.program = path("program", false);
  if (map.get("scenario").IsDefined()) c.scenario = path("scenario", true);  // else every run names its own
  c.profile = path("profile", true);
  c.traces = path("traces", false);
  read_runs(values, map.require("runs"), c);
  c.metrics = read_metrics(values, map.require("metrics"), c);
  if (const YAML::Node controls = map.get("controls"); controls.IsDefined()) read_controls(values, controls, c);
  map.get("definitions");  // free-form: YAML anchors the runs refer to
  map.reject_unknown_keys();
  return c;
}

}  // namespace gilsim
