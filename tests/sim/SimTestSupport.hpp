#pragma once
// Helpers for engine-level tests: every simulation runs in a forked child (one SimGrid engine
// per process), so any number of simulations can run inside one test case.
#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/loader/ScenarioLoader.hpp"
#include "sim/trace/Summary.hpp"

namespace gilsim::testing {

inline Scenario load_variant(const std::string& file, const std::string& variant,
                             const std::vector<Override>& overrides = {}) {
  for (Scenario& s : load_scenarios(file, overrides))
    if (s.variant == variant) return s;
  FAIL("no variant " << variant << " in " << file);
  return {};
}

// Simulates in a child and returns what `extract` computed from the timeline there.
inline std::string simulate_and(const Scenario& scenario, const std::function<std::string(const Timeline&)>& extract) {
  IsolatedResult r = run_isolated([&] { return extract(simulate(scenario, {})); });
  REQUIRE_MESSAGE(r.ok, r.output);
  return r.output;
}

// Simulates a scenario that must fail (a deadlock) and returns the error it reports.
inline std::string simulation_error(const std::string& file) {
  const Scenario scenario = load_variant(file, "");
  IsolatedResult r = run_isolated([&] { simulate(scenario, {}); return std::string(); });
  CHECK_FALSE(r.ok);
  return r.output;
}

inline Summary simulate_summary(const Scenario& scenario) {
  std::string json = simulate_and(scenario, [](const Timeline& t) {
    std::ostringstream out;
    Summary::from_timeline(t).write_json(out);
    return out.str();
  });
  return Summary::from_json(YAML::Load(json));
}

// A summary's times have a resolution of 1 ns, its ratios of 1e-6 (Summary::write_json).
constexpr double kSummarySeconds = 1e-9, kSummaryRatio = 1e-6;

}  // namespace gilsim::testing
