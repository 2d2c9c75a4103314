// A sweep's jobs live no longer than the sweep (issue 15 repro 24: a SIGKILL of the sweep left
// its jobs simulating and their files behind).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/sim/CommandRunner.hpp"

using namespace gilsim::testing;

namespace {

// Processes whose command line mentions `needle` (the sweep's unique scenario path).
int processes_mentioning(const std::string& needle) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
    std::string cmdline = read_file(entry.path().string() + "/cmdline");
    for (char& c : cmdline)
      if (c == '\0') c = ' ';
    found += cmdline.find(needle) != std::string::npos;
  }
  return found;
}

template <class Condition>
bool within(double seconds, Condition condition) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace

TEST_CASE("repro 24: the jobs of a sweep killed by SIGKILL die with it") {
  TempDir dir("orphans");
  std::filesystem::create_directories(dir.path);
  const std::string scenario = dir / "orphan_check.yaml";
  write_file(scenario, read_file("scenarios/sweep/cpu_bound.yaml"));
  const pid_t sweep = ::fork();
  REQUIRE(sweep >= 0);
  if (sweep == 0) {
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
    ::execl(GILSIM_BINARY, GILSIM_BINARY, "sweep", scenario.c_str(), "--out", (dir / "out").c_str(), "--cores",
            "1,2,4,8", "-j", "2", "--no-progress", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill it once its jobs run (their simulations take about a second each).
  const bool started = within(60, [&] { return processes_mentioning(scenario) >= 3; });
  ::kill(sweep, SIGKILL);
  int status = 0;
  ::waitpid(sweep, &status, 0);
  REQUIRE(started);
  CHECK(within(10, [&] { return processes_mentioning(scenario) == 0; }));
}
