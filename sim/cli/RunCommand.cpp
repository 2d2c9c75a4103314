#include "sim/cli/RunCommand.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/cli/OutputPath.hpp"
#include "sim/cli/ScenarioOptions.hpp"
#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/SummaryReport.hpp"
#include "sim/trace/SvgWriter.hpp"
#include "sim/util/ScenarioError.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> simgrid_args;
  std::string trace;
  std::string svg;
  bool json = false;
  bool per_thread = false;
  bool stats = false;
};

po::options_description describe_options() {
  po::options_description options("gilsim run FILE [options]");
  options.add_options()("help,h", "show this help");
  add_scenario_options(options);
  options.add_options()
      ("trace", po::value<std::string>(), "write a Chrome Trace Event JSON (opens in Perfetto); one file per variant")
      ("svg", po::value<std::string>(), "write an SVG activity plot; one file per variant")
      ("json", po::bool_switch(), "print the summary as JSON")
      ("threads", po::bool_switch(), "list every thread instead of thread groups")
      ("stats", po::bool_switch(), "print simulation speed and memory to stderr")
      ("log", po::value<std::vector<std::string>>()->composing(), "SimGrid --log setting (passed through)")
      ("cfg", po::value<std::vector<std::string>>()->composing(), "SimGrid --cfg setting (passed through)");
  return options;
}

RunOptions read_run_options(const po::variables_map& vm) {
  RunOptions o;
  o.file = vm["file"].as<std::string>();
  for (const char* pass : {"log", "cfg"})
    if (vm.count(pass))
      for (const auto& v : vm[pass].as<std::vector<std::string>>()) o.simgrid_args.push_back(std::string("--") + pass + "=" + v);
  if (vm.count("trace")) o.trace = vm["trace"].as<std::string>();
  if (vm.count("svg")) o.svg = vm["svg"].as<std::string>();
  o.json = vm["json"].as<bool>();
  o.per_thread = vm["threads"].as<bool>();
  o.stats = vm["stats"].as<bool>();
  return o;
}

void write_file(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  writer(out);
  if (!out) throw std::runtime_error("error while writing " + path);
}

// Runs in the forked child: simulate, write the per-variant files, return the summary JSON.
std::string simulate_variant(Scenario scenario, const RunOptions& o, bool many) {
  scenario.keep_spans = !o.trace.empty() || !o.svg.empty();
  Timeline timeline = simulate(scenario, o.simgrid_args);
  if (!o.trace.empty())
    write_file(variant_output_path(o.trace, scenario.variant, many),
               [&](std::ostream& out) { write_chrome_trace(timeline, out); });
  if (!o.svg.empty())
    write_file(variant_output_path(o.svg, scenario.variant, many),
               [&](std::ostream& out) { write_activity_svg(timeline, out); });
  std::ostringstream json;
  Summary::from_timeline(timeline).write_json(json);
  return json.str();
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
  } catch (const po::error& e) {
    std::cerr << "gilsim run: error: " << e.what() << "\n(try 'gilsim run --help')\n";
    return 2;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  const bool many = scenarios.size() > 1;
  std::vector<Summary> summaries;
  for (const Scenario& scenario : scenarios) {
    IsolatedResult r = run_isolated([&] { return simulate_variant(scenario, o, many); });
    if (!r.ok) {
      std::cerr << o.file << ": error: " << (scenario.variant.empty() ? "" : "variant '" + scenario.variant + "': ")
                << r.output << "\n";
      return 1;
    }
    summaries.push_back(Summary::from_json(YAML::Load(r.output)));
    if (o.stats) print_stats(summaries.back(), r);
  }
  if (o.json) write_report_json(std::cout, o.file, summaries);
  else write_report(std::cout, o.file, summaries, o.per_thread);
  return 0;
}

}  // namespace gilsim
