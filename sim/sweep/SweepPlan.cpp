#include "sim/sweep/SweepPlan.hpp"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/loader/Limits.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/sweep/ShellQuote.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"

namespace gilsim::sweep {
namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// Splits at commas that are outside [], {} and quotes.
std::vector<std::string> split_top_level_commas(const std::string& text) {
  std::vector<std::string> items(1);
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.emplace_back();
      continue;
    }
    items.back() += c;
  }
  return items;
}

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

// FNV-1a, 64 bits: stable across runs, machines and compilers (std::hash is not).
uint64_t fnv1a(const std::string& data, uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string sanitize(const std::string& text) {
  std::string safe;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    safe += ok ? c : '_';
  }
  return safe.substr(0, 48);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string absolute_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return path;
  std::string result(resolved);
  std::free(resolved);
  return result;
}

// Loads with the overrides; the variant name -> scenario, or the error message.
struct Loaded {
  std::map<std::string, Scenario> variants;
  std::string error;
};

Loaded try_load(const std::string& file, const std::vector<Override>& overrides) {
  Loaded loaded;
  try {
    for (Scenario& s : load_scenarios(file, overrides)) loaded.variants.emplace(s.variant, std::move(s));
  } catch (const std::exception& e) {
    loaded.error = e.what();
  }
  return loaded;
}

Override cores_override(int cores) {
  return {"machine.cores", std::to_string(cores), "--cores " + std::to_string(cores)};
}
Override smt_override(int smt) { return {"machine.smt", std::to_string(smt), "--smt " + std::to_string(smt)}; }
Override interval_override(const std::string& interval) {
  return {"runtime.switch_interval", interval, "--switch-interval " + interval};
}
Override set_override(const SetAxis& axis, const std::string& value) {
  return {axis.key, value, "--set " + axis.key + "=" + value};
}

// The axis values of params combination `p`: mixed radix over smt, interval, then each --set.
struct Params {
  int smt = 0;                 // 0: not swept
  std::string switch_interval; // empty: not swept
  std::vector<std::string> set_values;
};

Params decode_params(const SweepPlan& plan, std::size_t p) {
  Params params;
  std::vector<std::size_t> digits;
  for (auto it = plan.sets.rbegin(); it != plan.sets.rend(); ++it) {
    digits.push_back(p % it->values.size());
    p /= it->values.size();
  }
  for (std::size_t i = 0; i < plan.sets.size(); ++i) params.set_values.push_back(plan.sets[i].values[digits[plan.sets.size() - 1 - i]]);
  if (!plan.switch_intervals.empty()) {
    params.switch_interval = plan.switch_intervals[p % plan.switch_intervals.size()];
    p /= plan.switch_intervals.size();
  }
  if (!plan.smt.empty()) params.smt = plan.smt[p % plan.smt.size()];
  return params;
}

std::string make_key(const std::string& scenario_text, const SweepConfig& c) {
  uint64_t hash = fnv1a(scenario_text);
  // Every argument after the scenario path: the key survives moving the files.
  for (std::size_t i = 2; i < c.run_args.size(); ++i) hash = fnv1a(c.run_args[i] + '\0', hash);
  std::string slug = c.strategy.empty() ? "scenario" : c.strategy;
  slug += "-c" + std::to_string(c.cores);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return sanitize(slug) + "-" + hex;
}

std::string list_error_where(const std::string& option, const std::string& text) { return option + " " + text; }

}  // namespace

std::vector<int> parse_int_list(const std::string& option, const std::string& text, int min, int max) {
  const std::string expected = "expected a comma-separated list of integers from " + std::to_string(min) + " to " +
                               std::to_string(max);
  std::vector<int> values;
  std::set<int> seen;
  for (const std::string& item : split_commas(text)) {
    if (item.empty() || item.size() > 9 || item.find_first_not_of("0123456789") != std::string::npos)
      throw ScenarioError(list_error_where(option, text), expected);
    const int value = std::stoi(item);
    if (value < min || value > max) throw ScenarioError(list_error_where(option, text), expected);
    if (!seen.insert(value).second)
      throw ScenarioError(list_error_where(option, text), "value " + item + " is listed twice");
    values.push_back(value);
  }
  return values;
}

std::vector<std::string> parse_duration_list(const std::string& option, const std::string& text) {
  std::vector<std::string> values;
  std::set<double> seen;
  for (const std::string& item : split_commas(text)) {
    const std::optional<double> seconds = parse_duration(item);
    if (!seconds || *seconds <= 0)
      throw ScenarioError(list_error_where(option, text),
                          "expected a comma-separated list of durations such as 5ms,15ms (units: ns, us, ms, s, min, h)");
    if (!seen.insert(*seconds).second)
      throw ScenarioError(list_error_where(option, text), "value " + item + " is listed twice");
    values.push_back(item);
  }
  return values;
}

std::vector<std::string> parse_name_list(const std::string& option, const std::string& text) {
  std::vector<std::string> values;
  std::set<std::string> seen;
  for (const std::string& item : split_commas(text)) {
    if (item.empty()) throw ScenarioError(list_error_where(option, text), "expected a comma-separated list of names");
    if (!seen.insert(item).second)
      throw ScenarioError(list_error_where(option, text), "value " + item + " is listed twice");
    values.push_back(item);
  }
  return values;
}

SetAxis parse_set_axis(const std::string& text) {
  const std::string where = "--set " + text;
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw ScenarioError(where, "expected key=v1,v2,..., such as 'workload.processes[0].count=1,2,4'");
  SetAxis axis{text.substr(0, eq), {}};
  static const std::map<std::string, std::string> kShortcuts = {
      {"machine.cores", "--cores"}, {"machine.smt", "--smt"}, {"runtime.switch_interval", "--switch-interval"}};
  if (auto it = kShortcuts.find(axis.key); it != kShortcuts.end())
    throw ScenarioError(where, "sweep " + axis.key + " with " + it->second + " (it is an axis of its own)");
  std::set<std::string> seen;
  for (const std::string& value : split_top_level_commas(text.substr(eq + 1))) {
    if (value.empty()) throw ScenarioError(where, "expected key=v1,v2,... without empty values");
    if (!seen.insert(value).second) throw ScenarioError(where, "value " + value + " is listed twice");
    axis.values.push_back(value);
  }
  return axis;
}

std::string SweepPlan::strategy_label(const std::string& strategy) const {
  return strategy.empty() ? scenario_name : strategy;
}

std::string SweepPlan::params_label(std::size_t params) const {
  if (param_count <= 1) return "";
  const Params p = decode_params(*this, params);
  std::vector<std::string> parts;
  if (smt.size() > 1) parts.push_back("smt " + std::to_string(p.smt));
  if (switch_intervals.size() > 1) parts.push_back("interval " + p.switch_interval);
  for (std::size_t i = 0; i < sets.size(); ++i)
    if (sets[i].values.size() > 1) parts.push_back(sets[i].key + "=" + p.set_values[i]);
  return join(parts);
}

std::string SweepPlan::series_label(const SweepConfig& config) const {
  const std::string params = params_label(config.params);
  return strategy_label(config.strategy) + (params.empty() ? "" : " (" + params + ")");
}

SweepPlan build_plan(const SweepRequest& request, const std::string& gilsim) {
  // The scenario as it is: any error here is the scenario's own.
  const std::vector<Scenario> base = load_scenarios(request.scenario, {});
  SweepPlan plan;
  plan.scenario = absolute_path(request.scenario);
  plan.scenario_name = base.front().name;
  plan.gilsim = gilsim;
  const std::string scenario_text = read_whole_file(plan.scenario);

  std::vector<std::string> variants;
  for (const Scenario& s : base) variants.push_back(s.variant);
  const bool has_variants = !(variants.size() == 1 && variants[0].empty());
  if (request.strategies.empty()) {
    plan.strategies = variants;
  } else {
    const std::string where = "--strategy " + join(request.strategies, ",");
    if (!has_variants)
      throw ScenarioError(where, "the scenario has no variants, so it is one unnamed strategy; leave out --strategy");
    for (const std::string& name : request.strategies) {
      bool known = false;
      for (const std::string& v : variants) known |= v == name;
      if (!known)
        throw ScenarioError(where, "no strategy (variant) '" + name + "'; the scenario has: " + join(variants));
    }
    plan.strategies = request.strategies;
  }

  if (request.cores.empty()) throw ScenarioError("gilsim sweep", "empty sweep: --cores lists no core count");
  plan.listed_cores = request.cores;
  std::set<int> cores(request.cores.begin(), request.cores.end());
  cores.insert(1);
  plan.cores.assign(cores.begin(), cores.end());
  plan.smt = request.smt;
  plan.switch_intervals = request.switch_intervals;
  std::set<std::string> keys;
  for (const SetAxis& axis : request.sets) {
    if (!keys.insert(axis.key).second)
      throw ScenarioError("--set " + axis.key, "the key is given twice; list all its values in one --set key=v1,v2");
    if (axis.values.empty()) throw ScenarioError("--set " + axis.key, "empty sweep: no value");
  }
  plan.sets = request.sets;
  plan.seeds = request.seeds;

  // The size, before anything is expanded.
  std::vector<std::pair<std::size_t, std::string>> factors = {{plan.strategies.size(), "strategies"},
                                                              {plan.cores.size(), "core counts"}};
  if (!plan.smt.empty()) factors.push_back({plan.smt.size(), "smt values"});
  if (!plan.switch_intervals.empty()) factors.push_back({plan.switch_intervals.size(), "switch intervals"});
  for (const SetAxis& axis : plan.sets) factors.push_back({axis.values.size(), axis.key + " values"});
  long double total = 1;
  std::string product;
  for (const auto& [n, what] : factors) {
    total *= static_cast<long double>(n);
    product += (product.empty() ? "" : " x ") + std::to_string(n) + " " + what;
  }
  if (total == 0) throw ScenarioError("gilsim sweep", "empty sweep (" + product + ")");
  if (total > static_cast<long double>(kMaxConfigurations)) {
    char count[64];
    std::snprintf(count, sizeof count, "%.0Lf", total);
    throw ScenarioError("gilsim sweep", std::string("the sweep has ") + count + " configurations (" + product +
                                            "), more than the limit of " + std::to_string(kMaxConfigurations) +
                                            "; split it into several sweeps");
  }

  // Every value alone, so that a bad value or an unknown key stops the sweep before it starts.
  auto check = [&](const Override& o) {
    load_scenarios(request.scenario, {o});
  };
  for (int c : plan.cores) check(cores_override(c));
  for (int k : plan.smt) check(smt_override(k));
  for (const std::string& d : plan.switch_intervals) check(interval_override(d));
  for (const SetAxis& axis : plan.sets)
    for (const std::string& v : axis.values) check(set_override(axis, v));
  plan.param_count = static_cast<std::size_t>(total) / (plan.strategies.size() * plan.cores.size());

  // Each (params, cores) combination is loaded once, for every variant.
  std::map<std::string, Scenario> base_by_variant;
  for (const Scenario& s : base) base_by_variant.emplace(s.variant, s);
  std::vector<std::vector<Loaded>> loaded(plan.param_count);
  std::vector<Params> params(plan.param_count);
  for (std::size_t p = 0; p < plan.param_count; ++p) {
    params[p] = decode_params(plan, p);
    for (int c : plan.cores) {
      std::vector<Override> overrides = {cores_override(c)};
      if (params[p].smt) overrides.push_back(smt_override(params[p].smt));
      if (!params[p].switch_interval.empty()) overrides.push_back(interval_override(params[p].switch_interval));
      for (std::size_t i = 0; i < plan.sets.size(); ++i) overrides.push_back(set_override(plan.sets[i], params[p].set_values[i]));
      loaded[p].push_back(try_load(plan.scenario, overrides));
    }
  }

  const std::set<int> listed(plan.listed_cores.begin(), plan.listed_cores.end());
  for (const std::string& strategy : plan.strategies) {
    for (std::size_t p = 0; p < plan.param_count; ++p) {
      for (std::size_t ci = 0; ci < plan.cores.size(); ++ci) {
        SweepConfig c;
        c.strategy = strategy;
        c.cores = plan.cores[ci];
        c.params = p;
        c.set_values = params[p].set_values;
        c.baseline_only = !listed.count(c.cores);
        const Loaded& l = loaded[p][ci];
        const Scenario& resolved = l.error.empty() ? l.variants.at(strategy) : base_by_variant.at(strategy);
        c.error = l.error;
        c.smt = params[p].smt && !l.error.empty() ? params[p].smt : resolved.machine.smt;
        c.switch_interval = !params[p].switch_interval.empty() && !l.error.empty()
                                ? params[p].switch_interval
                                : format_duration(resolved.runtime.gil.switch_interval);
        c.run_args = {"run", plan.scenario};
        if (!strategy.empty()) c.run_args.insert(c.run_args.end(), {"--variant", strategy});
        c.run_args.insert(c.run_args.end(), {"--cores", std::to_string(c.cores)});
        if (params[p].smt) c.run_args.insert(c.run_args.end(), {"--smt", std::to_string(params[p].smt)});
        if (!params[p].switch_interval.empty())
          c.run_args.insert(c.run_args.end(), {"--switch-interval", params[p].switch_interval});
        for (std::size_t i = 0; i < plan.sets.size(); ++i)
          c.run_args.insert(c.run_args.end(), {"--set", plan.sets[i].key + "=" + params[p].set_values[i]});
        if (plan.seeds > 0) c.run_args.insert(c.run_args.end(), {"--seeds", std::to_string(plan.seeds)});
        c.run_args.push_back("--json");
        c.key = make_key(scenario_text, c);
        plan.configs.push_back(std::move(c));
      }
    }
  }
  return plan;
}

std::string job_command(const SweepPlan& plan, const std::string& dir, const SweepConfig& config) {
  std::vector<std::string> words = {plan.gilsim};
  words.insert(words.end(), config.run_args.begin(), config.run_args.end());
  const std::string tmp = shell_quote(temp_path(dir, config));
  const std::string err = shell_quote(error_path(dir, config));
  return shell_join(words) + " > " + tmp + " 2> " + err + " && mv -f " + tmp + " " +
         shell_quote(result_path(dir, config)) + " && rm -f " + err;
}

}  // namespace gilsim::sweep
