#include "sim/cli/ExportCommand.hpp"

#include <iostream>

#include "sim/cli/ScenarioOptions.hpp"
#include "sim/loader/ScenarioJson.hpp"
#include "sim/util/ScenarioError.hpp"

namespace po = boost::program_options;

namespace gilsim {

int export_command(const std::vector<std::string>& args) {
  po::options_description options("gilsim export FILE [options]");
  options.add_options()("help,h", "show this help")(
      "layout", "add each variant's process and thread instances and every thread's random draws "
                "(what scripts/record.py executes)");
  add_scenario_options(options);
  try {
    po::variables_map vm = parse_command_line(args, options, "gilsim export FILE [options]");
    if (vm.count("help")) {
      std::cout << options << "\nPrints the resolved scenario as JSON (format: docs/trace-format.md).\n";
      return 0;
    }
    std::vector<Scenario> scenarios = load_selected_scenarios(vm);
    std::cout << "{\"variants\": [\n";
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      write_scenario_json(std::cout, scenarios[i], vm.count("layout") > 0);
      std::cout << (i + 1 < scenarios.size() ? ",\n" : "\n");
    }
    std::cout << "]}\n";
    return 0;
  } catch (const po::error& e) {
    std::cerr << "gilsim export: error: " << e.what() << "\n(try 'gilsim export --help')\n";
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
  }
  return 2;
}

}  // namespace gilsim
