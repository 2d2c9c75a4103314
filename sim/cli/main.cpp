#include <fcntl.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/ExportCommand.hpp"
#include "sim/cli/RunCommand.hpp"
#include "sim/cli/SweepCommand.hpp"
#include "sim/cli/ValidateCommand.hpp"
#include "sim/util/CheckedOutput.hpp"

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
    "  gilsim --version            gilsim's version\n"
    "\n"
    "Scenario format, models and their parameters: README.md\n";

int run(std::vector<std::string> args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << "gilsim " << GILSIM_VERSION << "\n";
    return 0;
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

}  // namespace

int main(int argc, char** argv) {
  // With standard output closed, the next file opened would take its place and receive the
  // summary: refuse instead.
  if (::fcntl(1, F_GETFD) < 0) {
    std::cerr << "gilsim: error: standard output is closed\n";
    return 2;
  }
  int status = 0;
  try {
    status = run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "gilsim: error: internal error: " << e.what() << "\n";
    return 1;
  }
  // A full disk or a closed pipe must not pass for a complete summary (gilsim run --json > f).
  if (const std::string error = gilsim::standard_output_error(); !error.empty()) {
    std::cerr << "gilsim: error: " << error << "\n";
    return status == 0 ? 1 : status;
  }
  return status;
}
