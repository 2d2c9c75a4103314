#pragma once
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace gilsim::sweep {

// The largest sweep gilsim accepts (every configuration is one `gilsim run` process, and its
// row, key and command stay in memory).
constexpr std::size_t kMaxConfigurations = 100000;
// The most simulations run at once by `-j N`.
constexpr int kMaxJobs = 1024;

// One `--set key=v1,v2,...` axis.
struct SetAxis {
  std::string key;
  std::vector<std::string> values;
};

// What the user asked for, parsed from the command line but not yet checked against the scenario.
struct SweepRequest {
  std::string scenario;                  // FILE as given
  std::vector<std::string> strategies;   // --strategy; empty: every variant
  std::vector<int> cores;                // --cores, as given
  std::vector<int> smt;                  // --smt; empty: the scenario's own
  std::vector<std::string> switch_intervals;  // --switch-interval; empty: the scenario's own
  std::vector<SetAxis> sets;             // --set key=v1,v2 (one axis each)
  int seeds = 0;                         // --seeds N: each row is N runs (gilsim run --seeds N); 0: one
};

// The list parsers behind --cores, --smt, --switch-interval, --strategy and --set. They throw
// ScenarioError against the option as written, e.g. "--cores 1,,4: error: expected a
// comma-separated list of integers from 1 to 4096".
std::vector<int> parse_int_list(const std::string& option, const std::string& text, int min, int max);
std::vector<std::string> parse_duration_list(const std::string& option, const std::string& text);
std::vector<std::string> parse_name_list(const std::string& option, const std::string& text);
// "key=v1,v2": values split at commas outside brackets, braces and quotes (so a YAML flow list
// such as [1, 2] stays one value).
SetAxis parse_set_axis(const std::string& text);

// One simulation of the sweep: `gilsim run SCENARIO --variant V --cores N ... --json`.
struct SweepConfig {
  std::string key;               // file-name-safe and stable: runs/<key>.json holds its result
  std::string strategy;          // the variant; empty for a scenario without variants
  int cores = 1;
  int smt = 0;                   // the value simulated (swept, or the scenario's own)
  std::string switch_interval;   // the value simulated, formatted ("5ms")
  std::vector<std::string> set_values;  // one per SweepPlan::sets
  std::size_t params = 0;        // index of its (smt, switch interval, --set values) combination
  bool baseline_only = false;    // cores=1 added as the speedup baseline; not in --cores
  std::vector<std::string> run_args;    // gilsim's arguments, from "run" to "--json"
  std::string error;             // the scenario does not load with this combination: not run
};

// A whole sweep, as stored in DIR/sweep.json: enough to run it, emit it or collect it.
struct SweepPlan {
  std::string scenario;       // absolute path of the scenario file
  std::string scenario_name;
  std::string gilsim;         // absolute path of the gilsim binary
  std::vector<std::string> strategies;
  std::vector<int> cores;     // ascending, always with 1
  std::vector<int> listed_cores;  // as given to --cores
  std::vector<int> smt;       // empty: not swept
  std::vector<std::string> switch_intervals;  // empty: not swept
  std::vector<SetAxis> sets;
  int seeds = 0;              // --seeds N (0: absent): each configuration runs N seeds and reports intervals
  std::size_t param_count = 1;
  std::vector<SweepConfig> configs;  // ordered by strategy, params, cores

  // "threads" or, for a scenario without variants, its name.
  std::string strategy_label(const std::string& strategy) const;
  // The swept values (axes with more than one value) of a params combination, such as
  // "smt 2, 15ms, runtime.seed=2"; empty when only cores and strategies vary.
  std::string params_label(std::size_t params) const;
  // "threads" or "threads (smt 2, 15ms)": one line of the plot and one sentence of the explanation.
  std::string series_label(const SweepConfig& config) const;
};

// Checks the request against the scenario and expands it into configurations. Throws
// ScenarioError, before anything runs, on: a scenario that does not load, an unknown strategy,
// a value that is invalid on its own (each value is loaded once), an empty sweep or one of more
// than kMaxConfigurations. A combination that alone fails to load becomes a config with `error`.
SweepPlan build_plan(const SweepRequest& request, const std::string& gilsim);

void write_plan_json(std::ostream& out, const SweepPlan& plan);
// Reads DIR/sweep.json. Throws ScenarioError when it is missing or malformed.
SweepPlan read_plan_json(const std::string& path);

// DIR/runs/<key>.json and its siblings.
std::string result_path(const std::string& dir, const SweepConfig& config);
std::string error_path(const std::string& dir, const SweepConfig& config);
std::string temp_path(const std::string& dir, const SweepConfig& config);

// The self-contained shell command that runs one configuration and leaves its result where the
// local runner would: runs/<key>.json on success, runs/<key>.err (its stderr) on failure.
std::string job_command(const SweepPlan& plan, const std::string& dir, const SweepConfig& config);

}  // namespace gilsim::sweep
