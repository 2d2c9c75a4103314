#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "models/io/Latency.hpp"
#include "models/machine/MachineConfig.hpp"
#include "models/python/GilConfig.hpp"

namespace gilsim {

// Durations in these steps are work: the time the step takes alone on one unshared core of
// speed 1 (cpu, native), or wall time (io, sleep).
struct CpuStep {
  double seconds = 0;
};
struct IoStep {
  Latency latency;
};
// GIL-releasing native code; `threads` > 1 splits the work over internal threads (BLAS-like),
// each competing for cores like any other thread.
struct NativeStep {
  double seconds = 0;
  int threads = 1;
};
struct SleepStep {
  double seconds = 0;
};
// threading.Lock: `acquire` true for lock.acquire(), false for lock.release(). Locks are named
// per process.
struct LockStep {
  std::string lock;
  bool acquire = true;
};
struct Step;
struct RepeatStep {
  int64_t count = 0;
  std::vector<Step> body;
};

struct Step {
  std::variant<CpuStep, IoStep, NativeStep, SleepStep, RepeatStep, LockStep> action;
  std::string label;  // e.g. "cpu 1s", shown in traces and summaries
};

struct ThreadSpec {
  std::string name;
  int64_t count = 1;
  std::string interpreter = "main";  // sub-interpreters: one GIL per interpreter of a process
  std::vector<Step> program;
};

struct ProcessSpec {
  std::string name;
  int64_t count = 1;
  std::vector<ThreadSpec> threads;
};

enum class PythonBuild { Default, FreeThreaded };

struct RuntimeConfig {
  GilConfig gil;
  uint64_t seed = 1;
  PythonBuild build = PythonBuild::Default;
  // Python bytecode runs this much slower in the free-threaded build (README "GIL").
  double free_threaded_slowdown = 1.08;
};

// One simulation's input: a scenario with its variant (if any) applied.
struct Scenario {
  std::string file;
  std::string name;
  std::string variant;  // empty when the file has no variants
  std::string description;
  MachineConfig machine;
  RuntimeConfig runtime;
  std::vector<ProcessSpec> processes;
};

}  // namespace gilsim
