#include "sim/cli/RunCommand.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/cli/OutputPath.hpp"
#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/scenario/ScenarioError.hpp"
#include "sim/scenario/ScenarioLoader.hpp"
#include "sim/trace/ChromeTraceWriter.hpp"
#include "sim/trace/SummaryReport.hpp"
#include "sim/trace/SvgWriter.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

struct RunOptions {
  std::string file;
  std::vector<Override> overrides;
  std::vector<std::string> variants;
  std::vector<std::string> simgrid_args;
  std::string trace;
  std::string svg;
  bool json = false;
  bool per_thread = false;
  bool stats = false;
};

po::options_description describe_options() {
  po::options_description options("gilsim run FILE [options]");
  options.add_options()
      ("help,h", "show this help")
      ("cores", po::value<std::string>(), "physical cores (sets machine.cores)")
      ("smt", po::value<std::string>(), "hardware threads per core (sets machine.smt)")
      ("switch-interval", po::value<std::string>(), "GIL switch interval, e.g. 5ms (sets runtime.switch_interval)")
      ("seed", po::value<std::string>(), "random seed (sets runtime.seed)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override any scenario value: --set path.to.key=value, e.g. workload.processes[0].count=4")
      ("variant", po::value<std::vector<std::string>>()->composing(), "run only this variant (repeatable)")
      ("trace", po::value<std::string>(), "write a Chrome Trace Event JSON (opens in Perfetto); one file per variant")
      ("svg", po::value<std::string>(), "write an SVG activity plot; one file per variant")
      ("json", po::bool_switch(), "print the summary as JSON")
      ("threads", po::bool_switch(), "list every thread instead of thread groups")
      ("stats", po::bool_switch(), "print simulation speed and memory to stderr")
      ("log", po::value<std::vector<std::string>>()->composing(), "SimGrid --log setting (passed through)")
      ("cfg", po::value<std::vector<std::string>>()->composing(), "SimGrid --cfg setting (passed through)");
  return options;
}

RunOptions parse_options(const std::vector<std::string>& args, bool& help) {
  po::options_description options = describe_options();
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  help = vm.count("help") > 0;
  RunOptions o;
  if (help) return o;
  if (!vm.count("file")) throw po::error("missing the scenario FILE (gilsim run FILE [options])");
  o.file = vm["file"].as<std::string>();
  auto sugar = [&](const char* option, const char* key) {
    if (vm.count(option)) {
      const std::string value = vm[option].as<std::string>();
      o.overrides.push_back({key, value, std::string("--") + option + " " + value});
    }
  };
  sugar("cores", "machine.cores");
  sugar("smt", "machine.smt");
  sugar("switch-interval", "runtime.switch_interval");
  sugar("seed", "runtime.seed");
  if (vm.count("set"))
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) o.overrides.push_back(parse_override(text));
  if (vm.count("variant")) o.variants = vm["variant"].as<std::vector<std::string>>();
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

std::vector<Scenario> select_variants(std::vector<Scenario> scenarios, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return scenarios;
  std::vector<Scenario> selected;
  for (const std::string& name : wanted) {
    bool found = false;
    for (const Scenario& s : scenarios)
      if (s.variant == name) {
        selected.push_back(s);
        found = true;
      }
    if (!found) {
      std::string known;
      for (const Scenario& s : scenarios) known += (known.empty() ? "" : ", ") + s.variant;
      throw ScenarioError("--variant " + name, "no such variant; the scenario has: " + (known.empty() ? "none" : known));
    }
  }
  return selected;
}

void write_file(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  writer(out);
  if (!out) throw std::runtime_error("error while writing " + path);
}

// Runs in the forked child: simulate, write the per-variant files, return the summary JSON.
std::string simulate_variant(const Scenario& scenario, const RunOptions& o, bool many) {
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
               "(%.0f per wall s), peak memory %.1f MiB\n",
               s.variant.empty() ? s.scenario.c_str() : s.variant.c_str(), r.wall_seconds, s.makespan,
               s.makespan / r.wall_seconds, static_cast<long long>(s.gil_switches),
               static_cast<double>(s.gil_switches) / r.wall_seconds, r.peak_rss_kib / 1024.0);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunOptions o;
  std::vector<Scenario> scenarios;
  try {
    bool help = false;
    o = parse_options(args, help);
    if (help) {
      std::cout << describe_options() << "\nScenario format, models and examples: README.md\n";
      return 0;
    }
    scenarios = select_variants(load_scenarios(o.file, o.overrides), o.variants);
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
      std::cerr << o.file << ": error: variant '" << scenario.variant << "': " << r.output << "\n";
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
