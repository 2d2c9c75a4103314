#pragma once
// Runs the gilsim binary as a user would and captures what it printed.
#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
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

// A fresh folder under /tmp, removed with its contents at the end of the test.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& name) : path("/tmp/gilsim_test_" + std::to_string(::getpid()) + "_" + name) {
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& file) const { return path + "/" + file; }
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// `args` is appended to the gilsim binary's path as shell words (the tests quote them). With a
// timeout, a run that hangs is killed then and exits 124.
inline CommandResult run_gilsim(const std::string& args, int timeout_seconds = 0) {
  static int counter = 0;
  const std::string err_file = "/tmp/gilsim_test_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string prefix = timeout_seconds > 0 ? "timeout -k 5 " + std::to_string(timeout_seconds) + " " : "";
  const std::string command = prefix + std::string(GILSIM_BINARY) + " " + args + " 2>" + err_file;
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

// What a refused command printed: its stderr when it exited with status 2 (bad usage or input),
// else the status and stderr, so that a CHECK against the expected message shows both.
inline std::string refusal_of(const std::string& args) {
  const CommandResult r = run_gilsim(args);
  return r.exit_code == 2 ? r.err : "(exit status " + std::to_string(r.exit_code) + ") " + r.err;
}

}  // namespace gilsim::testing
