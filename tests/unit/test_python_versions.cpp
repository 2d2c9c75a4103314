// runtime.python: the versions gilsim knows, what each selects, and where its default comes from.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <unistd.h>

#include "sim/loader/ScenarioLoader.hpp"
#include "sim/scenario/PythonVersion.hpp"

using namespace gilsim;

namespace {

// A scenario with `runtime` as given, loaded from a temporary file (its only variant or strategy).
std::vector<Scenario> load_with_runtime(const std::string& runtime, const std::string& workload) {
  const std::string path = "/tmp/gilsim_python_" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path) << "name: versions\nruntime: " << runtime << "\n" << workload;
  std::vector<Scenario> scenarios = load_scenarios(path, {});
  std::remove(path.c_str());
  return scenarios;
}

const char* kThread = "workload:\n  processes:\n    - threads: [{program: [{cpu: 1ms}]}]\n";
const char* kBatch = "batch: {tasks: 4, program: [{cpu: 1ms}]}\nstrategies: [{processes: {workers: 2}}]\n";

}  // namespace

TEST_CASE("runtime.python knows 3.11 to 3.14 and the free-threaded 3.13t and 3.14t") {
  for (const char* name : {"3.11", "3.12", "3.13", "3.14", "3.13t", "3.14t"}) {
    const auto version = PythonVersion::parse(name);
    REQUIRE(version);
    CHECK(version->name() == name);
  }
  for (const char* unknown : {"3.10", "3.11t", "3.12t", "3.15", "3", "3.13.1", "", "3.13T"})
    CHECK_FALSE(PythonVersion::parse(unknown));
  // A profile's host.python_version is a release: its major.minor decides.
  CHECK(PythonVersion::of_release("3.11.2") == PythonVersion{11, false});
  CHECK(PythonVersion::of_release("3.13.0rc1") == PythonVersion{13, false});
  CHECK_FALSE(PythonVersion::of_release("3.9.18"));
  CHECK_FALSE(PythonVersion::of_release("garbage"));
}

TEST_CASE("each version selects its lock, default start method and free-threaded slowdown") {
  // Modules/_threadmodule.c: a semaphore lock up to 3.12, a PyMutex from 3.13.
  CHECK(PythonVersion{11, false}.lock() == LockKind::Semaphore);
  CHECK(PythonVersion{12, false}.lock() == LockKind::Semaphore);
  CHECK(PythonVersion{13, false}.lock() == LockKind::PyMutex);
  CHECK(PythonVersion{14, true}.lock() == LockKind::PyMutex);
  // Lib/multiprocessing/context.py: forkserver is the Linux default from 3.14.
  CHECK(PythonVersion{13, false}.default_start_method() == StartMethod::Fork);
  CHECK(PythonVersion{14, false}.default_start_method() == StartMethod::Forkserver);
  // The free-threading HOWTO: about 40% slower bytecode in 3.13t, up to 8% in 3.14t.
  CHECK(PythonVersion{13, true}.free_threaded_slowdown() == 1.4);
  CHECK(PythonVersion{14, true}.free_threaded_slowdown() == 1.08);
}

TEST_CASE("runtime.python selects the build, the slowdown and the default start method") {
  const Scenario t313 = load_with_runtime("{python: \"3.13t\"}", kThread).front();
  CHECK(t313.runtime.build == PythonBuild::FreeThreaded);  // the no-GIL engine (NoGil)
  CHECK(t313.runtime.free_threaded_slowdown == 1.4);
  const Scenario t314 = load_with_runtime("{python: \"3.14t\", free_threaded_slowdown: 1.2}", kThread).front();
  CHECK(t314.runtime.build == PythonBuild::FreeThreaded);
  CHECK(t314.runtime.free_threaded_slowdown == 1.2);  // an explicit value wins
  const Scenario p313 = load_with_runtime("{python: \"3.13\"}", kThread).front();
  CHECK(p313.runtime.build == PythonBuild::Default);
  CHECK(p313.runtime.python.lock() == LockKind::PyMutex);
  // A processes strategy that names no start method: fork up to 3.13, forkserver from 3.14 (the
  // variant is named after it).
  CHECK(load_with_runtime("{python: \"3.13\"}", kBatch).front().variant == "processes-2-fork");
  CHECK(load_with_runtime("{python: \"3.14\"}", kBatch).front().variant == "processes-2-forkserver");
  // A start method given explicitly is kept.
  CHECK(load_with_runtime("{python: \"3.14\"}",
                          "batch: {tasks: 4, program: [{cpu: 1ms}]}\nstrategies: [{processes: {workers: 2, start_method: fork}}]\n")
            .front()
            .variant == "processes-2-fork");
}

TEST_CASE("runtime.python defaults to the profile's calibration version, else 3.11") {
  // Negative control: without a profile the default is 3.11 and the variant name says fork.
  const Scenario plain = load_with_runtime("{seed: 1}", kBatch).front();
  CHECK(plain.runtime.python == PythonVersion{11, false});
  CHECK(plain.variant == "processes-2-fork");
  CHECK(plain.runtime.locks.release_wake == 0);
  // tests/fixtures/profile_py313.yaml was calibrated with 3.13.1: its lock and its costs.
  const Scenario from_profile = load_scenarios("tests/fixtures/uses_py313_profile.yaml", {}).front();
  CHECK(from_profile.runtime.python == PythonVersion{13, false});
  CHECK(from_profile.runtime.locks.release_wake == doctest::Approx(3e-6).epsilon(1e-9));
  CHECK(from_profile.runtime.locks.release_syscall == doctest::Approx(250e-9).epsilon(1e-9));
  // The validation host's profile says 3.11.2.
  const Scenario host = load_scenarios("scenarios/validation/locks/locked.yaml", {}).front();
  CHECK(host.runtime.python == PythonVersion{11, false});
}
