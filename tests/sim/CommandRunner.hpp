#pragma once
// Runs the gilsim binary as a user would and captures what it printed.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace gilsim::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `args` is appended to the gilsim binary's path as shell words (the tests quote them).
inline CommandResult run_gilsim(const std::string& args) {
  static int counter = 0;
  const std::string err_file = "/tmp/gilsim_test_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string command = std::string(GILSIM_BINARY) + " " + args + " 2>" + err_file;
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_file(err_file);
  std::remove(err_file.c_str());
  return result;
}

}  // namespace gilsim::testing
