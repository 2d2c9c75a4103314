#include "sim/cli/RunCommand.hpp"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/trace/OutputPath.hpp"
#include "sim/cli/ScenarioOptions.hpp"
#include "sim/cli/SimgridOptions.hpp"
#include "sim/cli/TimeWindow.hpp"
#include "sim/cli/TraceLimit.hpp"
#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/trace/ActivityPanel.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/LatencyHistogramSvg.hpp"
#include "sim/trace/SeededReport.hpp"
#include "sim/trace/SummaryReport.hpp"
#include "sim/trace/SvgWriter.hpp"
#include "sim/trace/TimelineWindow.hpp"
#include "sim/util/CheckedOutput.hpp"
#include "sim/util/InputFile.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/util/Units.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> simgrid_args;
  std::string trace;
  std::string svg;
  std::string latency_svg;
  PanelWindow svg_window;
  PanelWindow trace_window;
  bool json = false;
  bool per_thread = false;
  bool stats = false;
  int seeds = 0;  // --seeds N: N runs per variant (runtime.seed, seed+1, ...); 0: one run
};

po::options_description describe_options() {
  po::options_description options("gilsim run FILE [options]");
  options.add_options()("help,h", "show this help");
  add_scenario_options(options);
  add_gil_model_option(options);
  options.add_options()
      ("trace", po::value<std::string>()->value_name("FILE"),
       "write a Chrome Trace Event JSON (opens in Perfetto); one file per variant; at most 1 GiB each")
      ("trace-window", po::value<std::string>()->value_name("START:END"),
       "write only the spans that overlap this part of the run, e.g. 0:50ms")
      ("svg", po::value<std::string>()->value_name("FILE"),
       "write an SVG activity plot; one file per variant, on one time axis")
      ("svg-window", po::value<std::string>()->value_name("START:END"), "plot only this part of the run, e.g. 0:50ms")
      ("latency-svg", po::value<std::string>()->value_name("FILE"),
       "write a histogram of request latencies (workload.requests), log scale; one file per variant")
      ("json", po::bool_switch(), "print the summary as JSON")
      ("threads", po::bool_switch(), "list every thread instead of thread groups")
      ("stats", po::bool_switch(), "print simulation speed and memory to stderr")
      ("seeds", po::value<std::string>()->value_name("N"),
       "run every variant with N seeds (runtime.seed, seed+1, ...) and report means with 95% confidence "
       "intervals; variants whose intervals overlap the best one's are marked tied (2 to 1000)");
  add_simgrid_options(options);
  return options;
}

PanelWindow read_window(const po::variables_map& vm, const char* option) {
  PanelWindow window;
  if (!vm.count(option)) return window;
  const TimeWindow w = parse_time_window(std::string("--") + option, vm[option].as<std::string>());
  return {true, w.start, w.end};
}

// --seeds N: an integer from kMinSeeds to kMaxSeeds, and no output that shows a single run.
int read_seeds(const std::string& text, const RunOptions& o) {
  const int seeds = parse_seed_count(text);
  const std::initializer_list<std::pair<bool, const char*>> single_run = {
      {!o.trace.empty(), "--trace"}, {!o.svg.empty(), "--svg"}, {!o.latency_svg.empty(), "--latency-svg"},
      {o.per_thread, "--threads"}};
  for (const auto& [given, option] : single_run)
    if (given)
      throw ScenarioError("--seeds " + text, std::string(option) + " shows one run, and --seeds runs " + text +
                                     " per variant: leave out --seeds and choose the run with --seed S");
  return seeds;
}

RunOptions read_run_options(const po::variables_map& vm) {
  RunOptions o;
  o.file = vm["file"].as<std::string>();
  o.simgrid_args = simgrid_arguments(vm);
  if (vm.count("trace")) o.trace = vm["trace"].as<std::string>();
  if (vm.count("svg")) o.svg = vm["svg"].as<std::string>();
  if (vm.count("latency-svg")) o.latency_svg = vm["latency-svg"].as<std::string>();
  o.svg_window = read_window(vm, "svg-window");
  o.trace_window = read_window(vm, "trace-window");
  if (o.svg_window.set && o.svg.empty()) throw po::error("--svg-window needs --svg FILE");
  if (o.trace_window.set && o.trace.empty()) throw po::error("--trace-window needs --trace FILE");
  o.json = vm["json"].as<bool>();
  o.per_thread = vm["threads"].as<bool>();
  o.stats = vm["stats"].as<bool>();
  if (vm.count("seeds")) o.seeds = read_seeds(vm["seeds"].as<std::string>(), o);
  return o;
}

// Before anything runs: every output path can be written (missing folders are created), and no
// trace would pass its size limit.
void check_outputs(const RunOptions& o, const std::vector<Scenario>& scenarios) {
  const bool many = scenarios.size() > 1;
  for (const Scenario& s : scenarios) {
    if (!o.trace.empty()) {
      const std::string path = variant_output_path(o.trace, s.variant, many);
      if (!o.trace_window.set) check_trace_size(s, "--trace " + path);
      prepare_output_path(path, "--trace");
    }
    if (!o.svg.empty()) prepare_output_path(variant_output_path(o.svg, s.variant, many), "--svg");
    if (!o.latency_svg.empty()) {
      if (s.requests.empty())
        throw ScenarioError(s.workload_where, "--latency-svg asks for request latencies, but the scenario has no "
                                              "requests: add workload.requests and a handler (README \"Requests\")");
      prepare_output_path(variant_output_path(o.latency_svg, s.variant, many), "--latency-svg");
    }
  }
}

// Runs in the forked child: simulate, write the trace, return the summary JSON and the plot.
std::string simulate_variant(Scenario scenario, const RunOptions& o, bool many) {
  scenario.keep_spans = !o.trace.empty() || !o.svg.empty();
  Timeline timeline = simulate(scenario, o.simgrid_args);
  std::ostringstream json;
  Summary::from_timeline(timeline).write_json(json);
  const std::string panel = o.svg.empty() ? "" : serialize_panel(activity_panel(timeline, o.svg_window));
  if (!o.latency_svg.empty())
    write_output_file(variant_output_path(o.latency_svg, scenario.variant, many),
                      [&](std::ostream& out) { write_latency_histogram_svg(timeline, out); });
  if (!o.trace.empty()) {
    if (o.trace_window.set) keep_spans_in_window(timeline, o.trace_window.start, o.trace_window.end);
    const std::string path = variant_output_path(o.trace, scenario.variant, many);
    chrome::HandoverFlows flows;
    write_output_file(path, [&](std::ostream& out) { flows = write_chrome_trace(timeline, out, kMaxTraceBytes); },
                      kMaxTraceBytes, kTraceTooLarge);
    if (flows.left_out > 0)
      std::cerr << path << ": warning: the GIL hand-over arrows from " << format_duration(flows.left_out_from) << " on ("
                << flows.left_out << " of " << flows.written + flows.left_out << ") are left out, to keep the trace under "
                << describe_bytes(kMaxTraceBytes) << "; " << kTraceTooLarge << "\n";
  }
  return std::to_string(json.str().size()) + "\n" + json.str() + panel;
}

void print_stats(const Summary& s, const IsolatedResult& r) {
  std::fprintf(stderr,
               "stats %s: wall %.3fs, simulated %.3fs (%.2f simulated s per wall s), %lld GIL switches "
               "(%.0f per wall s), peak memory %.1f MiB (%.1f KiB per simulated thread)\n",
               s.variant.empty() ? s.scenario.c_str() : s.variant.c_str(), r.wall_seconds, s.makespan,
               s.makespan / r.wall_seconds, static_cast<long long>(s.gil_switches),
               static_cast<double>(s.gil_switches) / r.wall_seconds, r.peak_rss_kib / 1024.0,
               static_cast<double>(r.peak_rss_kib) / static_cast<double>(std::max<std::size_t>(1, s.threads.size())));
}

// The variants' plots on one time axis: the window, or 0 to the latest activity of any variant.
void write_plots(const RunOptions& o, const std::vector<Scenario>& scenarios, const std::vector<std::string>& panels) {
  double end = 0;
  std::vector<ActivityPanel> parsed;
  for (const std::string& text : panels) {
    parsed.push_back(parse_panel(text));
    end = std::max(end, parsed.back().end);
  }
  const double start = o.svg_window.set ? o.svg_window.start : 0;
  if (o.svg_window.set) end = o.svg_window.end;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (parsed.size() > 1)
      parsed[i].subtitle += "; one time axis for the " + std::to_string(parsed.size()) + " variants";
    write_output_file(variant_output_path(o.svg, scenarios[i].variant, parsed.size() > 1),
                      [&](std::ostream& out) { write_activity_svg(parsed[i], start, end, out); });
  }
}

// One run of `scenario` in a child process: its summary, or false after printing the error.
bool run_one(const Scenario& scenario, const RunOptions& o, bool many, Summary& summary, std::string* panel) {
  IsolatedResult r = run_isolated([&] { return simulate_variant(scenario, o, many); });
  if (!r.ok) {
    if (r.located) std::cerr << r.output << "\n";
    else
      std::cerr << o.file << ": error: " << (scenario.variant.empty() ? "" : "variant '" + scenario.variant + "': ")
                << r.output << "\n";
    return false;
  }
  const std::size_t newline = r.output.find('\n');
  const std::size_t length = std::stoul(r.output.substr(0, newline));
  summary = Summary::from_json(YAML::Load(r.output.substr(newline + 1, length)));
  if (panel) *panel = r.output.substr(newline + 1 + length);
  if (o.stats) print_stats(summary, r);
  return true;
}

// The seeds of a variant must fit runtime.seed's range (0 to 2^64 - 1).
void check_seed_range(const RunOptions& o, const std::vector<Scenario>& scenarios) {
  for (const Scenario& s : scenarios)
    if (s.runtime.seed > UINT64_MAX - static_cast<uint64_t>(o.seeds - 1))
      throw ScenarioError("--seeds " + std::to_string(o.seeds),
                          "runtime.seed " + std::to_string(s.runtime.seed) + " plus " + std::to_string(o.seeds - 1) +
                              " passes the largest seed (2^64 - 1); choose a smaller --seed");
}

// --seeds N: every variant N times, runtime.seed to runtime.seed + N - 1, one run at a time.
int run_seeds(const RunOptions& o, const std::vector<Scenario>& scenarios) {
  std::vector<SeededVariant> variants;
  for (const Scenario& scenario : scenarios) {
    std::vector<Summary> runs;
    for (int k = 0; k < o.seeds; ++k) {
      Scenario seeded = scenario;
      seeded.runtime.seed = scenario.runtime.seed + static_cast<uint64_t>(k);
      runs.emplace_back();
      if (!run_one(seeded, o, scenarios.size() > 1, runs.back(), nullptr)) return 1;
    }
    variants.push_back(aggregate_seeds(scenario.runtime.seed, std::move(runs)));
  }
  rank_variants(variants);
  if (o.json) write_seeded_report_json(std::cout, o.file, variants);
  else write_seeded_report(std::cout, o.file, variants);
  return 0;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunOptions o;
  std::vector<Scenario> scenarios;
  try {
    const po::options_description options = describe_options();
    po::variables_map vm = parse_command_line(args, options, "gilsim run FILE [options]");
    if (vm.count("help")) {
      std::cout << options << "\nScenario format, models and examples: README.md\n";
      return 0;
    }
    o = read_run_options(vm);
    scenarios = load_selected_scenarios(vm);
    check_outputs(o, scenarios);
    if (o.seeds > 0) check_seed_range(o, scenarios);
  } catch (const po::error& e) {
    std::cerr << "gilsim run: error: " << e.what() << "\n(try 'gilsim run --help')\n";
    return 2;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  if (o.seeds > 0) return run_seeds(o, scenarios);
  const bool many = scenarios.size() > 1;
  std::vector<Summary> summaries;
  std::vector<std::string> panels;
  for (const Scenario& scenario : scenarios) {
    summaries.emplace_back();
    std::string panel;
    if (!run_one(scenario, o, many, summaries.back(), &panel)) return 1;
    if (!o.svg.empty()) panels.push_back(panel);
  }
  try {
    if (!o.svg.empty()) write_plots(o, scenarios, panels);
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  if (o.json) write_report_json(std::cout, o.file, summaries);
  else write_report(std::cout, o.file, summaries, o.per_thread);
  return 0;
}

}  // namespace gilsim
