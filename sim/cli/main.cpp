#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/ExportCommand.hpp"
#include "sim/cli/RunCommand.hpp"
#include "sim/cli/SweepCommand.hpp"
#include "sim/cli/ValidateCommand.hpp"

namespace {

const char* const kUsage =
    "gilsim: simulate how a Python program runs on a multicore machine\n"
    "\n"
    "usage:\n"
    "  gilsim run FILE [options]   simulate a YAML scenario and print its summary\n"
    "  gilsim validate FILE --measured TRACE...\n"
    "                              compare the simulation with measured runs of real CPython\n"
    "  gilsim validate --case CASE.yaml\n"
    "                              compare a validation case's real program runs, metric by metric\n"
    "  gilsim export FILE [opts]   print the resolved scenario as JSON (for scripts/record.py)\n"
    "  gilsim sweep FILE --out DIR --cores 1,2,4,...\n"
    "                              run a scaling sweep (cores, smt, interval, strategies) in parallel\n"
    "  gilsim COMMAND --help       options of a command\n"
    "  gilsim --help               this text\n"
    "\n"
    "Scenario format, models and their parameters: README.md\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return gilsim::run_command(args);
  if (command == "export") return gilsim::export_command(args);
  if (command == "validate") return gilsim::validate_command(args);
  if (command == "sweep") return gilsim::sweep_command(args);
  std::cerr << "gilsim: error: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
