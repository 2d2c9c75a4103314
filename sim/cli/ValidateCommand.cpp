#include "sim/cli/ValidateCommand.hpp"

#include <cmath>
#include <iostream>
#include <sstream>

#include "sim/cli/CaseValidateCommand.hpp"
#include "sim/trace/OutputPath.hpp"
#include "sim/cli/ScenarioOptions.hpp"
#include "sim/cli/SharedConsumers.hpp"
#include "sim/cli/SimgridOptions.hpp"
#include "sim/engine/IsolatedRun.hpp"
#include "sim/engine/Simulation.hpp"
#include "sim/trace/SvgWriter.hpp"
#include "sim/trace/Validation.hpp"
#include "sim/trace/ValidationSvg.hpp"
#include "sim/util/CheckedOutput.hpp"
#include "sim/util/NumberSyntax.hpp"
#include "sim/util/ScenarioError.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

po::options_description describe_options() {
  po::options_description options("gilsim validate SCENARIO --measured TRACE... [options]");
  options.add_options()("help,h", "show this help");
  add_scenario_options(options);
  add_gil_model_option(options);
  options.add_options()
      ("measured", po::value<std::vector<std::string>>()->multitoken()->composing()->value_name("TRACE..."),
       "measured traces (scripts/record.py); each is matched to its variant by otherData.variant")
      ("profile", po::value<std::string>()->value_name("FILE"), "simulate on this machine profile (sets machine.profile)")
      ("makespan-tolerance", po::value<std::string>()->default_value("5%")->value_name("F"), "largest allowed |makespan error|")
      ("step-tolerance", po::value<std::string>()->default_value("10%")->value_name("F"),
       "largest allowed median step completion error (|end difference| / measured makespan)")
      ("handover-tolerance", po::value<std::string>()->default_value("10%")->value_name("F"),
       "largest allowed GIL hand-over count error per process (plus 2 hand-overs)")
      ("run-length-tolerance", po::value<std::string>()->default_value("10%")->value_name("F"),
       "largest allowed median GIL run length error per thread group that hands the GIL over (plus the "
       "recorder's pause resolution)")
      ("json", po::bool_switch(), "print the reports as JSON")
      ("svg", po::value<std::string>()->value_name("FILE"),
       "write each thread's simulated and measured lanes, with the errors and the verdict; one file per variant");
  add_simgrid_options(options);
  return options;
}

double read_fraction(const po::variables_map& vm, const char* option) {
  std::string text = vm[option].as<std::string>();
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  const double value = is_number_text(text) ? std::strtod(text.c_str(), nullptr) : NAN;
  if (!std::isfinite(value) || value < 0)
    throw ScenarioError(std::string("--") + option + " " + vm[option].as<std::string>(),
                        "expected a non-negative fraction such as '5%' or '0.05'");
  return percent ? value / 100 : value;
}

// "trace.json: error: the trace does not fit the scenario: it has ...": the report's mismatch
// begins with the name of the trace it comes from.
std::string mismatch_message(const std::vector<MeasuredTrace>& traces, const std::string& mismatch) {
  for (const MeasuredTrace& t : traces)
    if (mismatch.rfind(t.file + " ", 0) == 0)
      return t.file + ": error: the trace does not fit the scenario: it" + mismatch.substr(t.file.size());
  return traces.front().file + ": error: the trace does not fit the scenario: " + mismatch;
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--case" || a.rfind("--case=", 0) == 0) return case_validate_command(args);
  const po::options_description options = describe_options();
  std::vector<Scenario> scenarios;
  std::vector<MeasuredTrace> traces;
  ValidationTolerances tolerances;
  std::vector<std::string> simgrid_args;
  po::variables_map vm;
  try {
    std::vector<std::string> adjusted = args;
    vm = parse_command_line(adjusted, options, "gilsim validate SCENARIO --measured TRACE...");
    if (vm.count("help")) {
      std::cout << options << "\nHow validation works: README.md (Validation).\n";
      return 0;
    }
    if (!vm.count("measured")) throw po::error("missing --measured TRACE... (traces from scripts/record.py)");
    if (vm.count("profile")) {
      adjusted.push_back("--set");
      adjusted.push_back("machine.profile=" + vm["profile"].as<std::string>());
      vm = parse_command_line(adjusted, options, "");
    }
    tolerances.makespan = read_fraction(vm, "makespan-tolerance");
    tolerances.step_completion = read_fraction(vm, "step-tolerance");
    tolerances.gil.handovers = read_fraction(vm, "handover-tolerance");
    tolerances.gil.run_length = read_fraction(vm, "run-length-tolerance");
    simgrid_args = simgrid_arguments(vm);
    scenarios = load_selected_scenarios(vm);
    if (vm.count("svg"))
      for (const Scenario& s : scenarios)
        prepare_output_path(variant_output_path(vm["svg"].as<std::string>(), s.variant, scenarios.size() > 1), "--svg");
    for (const std::string& file : vm["measured"].as<std::vector<std::string>>()) {
      MeasuredTrace trace = read_trace(file);
      bool known = false;
      for (const Scenario& s : scenarios) known |= s.name == trace.scenario && s.variant == trace.variant;
      if (!known)
        throw ScenarioError(file, "the trace is from scenario '" + trace.scenario + "'" +
                                      (trace.variant.empty() ? "" : " variant '" + trace.variant + "'") +
                                      ", which " + vm["file"].as<std::string>() + " does not have");
      traces.push_back(std::move(trace));
    }
  } catch (const po::error& e) {
    std::cerr << "gilsim validate: error: " << e.what() << "\n(try 'gilsim validate --help')\n";
    return 2;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  const bool json = vm["json"].as<bool>();
  const std::string svg = vm.count("svg") ? vm["svg"].as<std::string>() : "";
  bool all_passed = true;
  std::vector<std::string> outputs;
  for (const Scenario& scenario : scenarios) {
    std::vector<MeasuredTrace> mine;
    for (const MeasuredTrace& t : traces)
      if (t.variant == scenario.variant) mine.push_back(t);
    if (mine.empty()) continue;
    IsolatedResult r = run_isolated([&] {
      Timeline timeline = simulate(scenario, simgrid_args);
      ValidationReport report = compare(timeline, mine, tolerances, shared_consume_loops(scenario));
      if (!report.mismatch.empty())
        return "E" + mismatch_message(mine, report.mismatch) + " (" +
               std::to_string(report.only_measured) + " step(s) only measured, " +
               std::to_string(report.only_simulated) + " only simulated); was it recorded from another version of "
               "the scenario?";
      if (!svg.empty()) {
        const ActivityPanel panel = validation_panel(timeline, mine.front(), report);
        write_output_file(variant_output_path(svg, scenario.variant, scenarios.size() > 1),
                          [&](std::ostream& out) { write_activity_svg(panel, panel.start, panel.end, out); });
      }
      std::ostringstream text;
      if (json) report.write_json(text);
      else report.write_text(text);
      return std::string(report.passed() ? "P" : "F") + text.str();
    });
    if (!r.ok) {
      if (r.located) std::cerr << r.output << "\n";
      else
        std::cerr << scenario.file << ": error: "
                  << (scenario.variant.empty() ? "" : "variant '" + scenario.variant + "': ") << r.output << "\n";
      return 1;
    }
    if (r.output[0] == 'E') {
      std::cerr << r.output.substr(1) << "\n";
      return 2;
    }
    all_passed &= r.output[0] == 'P';
    outputs.push_back(r.output.substr(1));
  }
  if (json) {
    std::cout << "{\"passed\": " << (all_passed ? "true" : "false") << ", \"reports\": [\n";
    for (std::size_t i = 0; i < outputs.size(); ++i) std::cout << outputs[i] << (i + 1 < outputs.size() ? ",\n" : "\n");
    std::cout << "]}\n";
  } else {
    for (const std::string& o : outputs) std::cout << o;
  }
  return all_passed ? 0 : 1;
}

}  // namespace gilsim
