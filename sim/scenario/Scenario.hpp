#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/steps/Step.hpp"
#include "sim/scenario/AsyncioConfig.hpp"
#include "sim/scenario/ChannelKind.hpp"
#include "sim/scenario/GilConfig.hpp"
#include "sim/scenario/IpcConfig.hpp"
#include "sim/scenario/LockConfig.hpp"
#include "sim/scenario/MachineConfig.hpp"
#include "sim/scenario/MpPoolConfig.hpp"
#include "sim/scenario/ProcessPoolConfig.hpp"
#include "sim/scenario/ProcessPoolSpec.hpp"
#include "sim/scenario/PythonVersion.hpp"
#include "sim/scenario/RequestSpec.hpp"
#include "sim/scenario/SemaphoreConfig.hpp"
#include "sim/scenario/SemaphoreSpec.hpp"
#include "sim/scenario/StartMethod.hpp"

namespace gilsim {

struct ThreadSpec {
  std::string name;
  int64_t count = 1;
  std::string interpreter = "main";  // sub-interpreters: one GIL per interpreter of a process
  std::vector<Step> program;
  // os.sched_setaffinity(0, affinity) in the thread: the CPUs it may run on (empty: its process's).
  std::vector<int> affinity;
};

struct ProcessSpec {
  std::string name;
  int64_t count = 1;
  // Started by the parent with this method (one after another, in order); running at time 0
  // when absent.
  std::optional<StartMethod> start_method;
  // The process whose MainThread starts and joins the others (set by strategy expansion);
  // without one, a separate process "main" does.
  bool is_parent = false;
  // os.sched_setaffinity(0, affinity) before its threads start (empty: every CPU of machine.cpus).
  std::vector<int> affinity;
  std::vector<ThreadSpec> threads;
};

// Costs of starting and ending processes (README "Processes").
struct StartCost {
  double parent = 0;  // Python + system calls in the parent's Process.start(): serial
  double child = 0;   // interpreter start-up and re-import of __main__ in the child, before its code runs
  double exit = 1e-3; // the child's end (finalisation, exit) until the parent's join() returns
};
struct ProcessCosts {
  StartCost fork{3e-3, 0, 1e-3};
  StartCost spawn{5e-3, 135e-3, 10e-3};
  StartCost forkserver{2e-3, 38e-3, 1e-3};
  double forkserver_server = 25e-3;  // the server's own start, before the first forkserver start
  // runtime.main_module.import: what the program's main module costs to run as __mp_main__ beyond
  // the main module the start costs were measured with. A spawn child pays it, and the forkserver
  // once (its preload); a forkserver child inherits the module, a fork child its parent's.
  double main_module_import = 0;
  const StartCost& of(StartMethod method) const {
    return method == StartMethod::Fork ? fork : method == StartMethod::Spawn ? spawn : forkserver;
  }
};

enum class PythonBuild { Default, FreeThreaded };

struct RuntimeConfig {
  GilConfig gil;
  uint64_t seed = 1;
  // runtime.python; its default is the machine profile's host.python_version, else 3.11.
  PythonVersion python;
  PythonBuild build = PythonBuild::Default;
  // Python bytecode runs this much slower in the free-threaded build (README "GIL").
  double free_threaded_slowdown = 1.08;
  // The share of a `native` call run with the GIL released. Always 1 in a scenario (a native step
  // is GIL-free C code); a validation control lowers it to prove the native case checks it.
  double native_gil_released = 1.0;
  ProcessCosts processes;
  IpcConfig ipc;
  ProcessPoolConfig process_pool;
  MpPoolConfig mp_pool;
  AsyncioConfig asyncio;
  LockConfig locks;
  SemaphoreConfig semaphores;
};

struct ChannelSpec {
  std::string name;
  ChannelKind kind = ChannelKind::Queue;
};

// How gilsim simulates, not what: chosen on the command line, never in the scenario file.
// Auto: the fast engine under fair sharing, the reference one under the EEVDF scheduler (the
// fast engine's analytic timeouts assume a timed-out waiter runs at once).
enum class GilModel { Auto, Fast, Reference };

// One simulation's input: a scenario with its variant (if any) applied.
struct Scenario {
  std::string file;
  std::string name;
  std::string variant;  // empty when the file has no variants
  std::string description;
  MachineConfig machine;
  RuntimeConfig runtime;
  std::vector<ChannelSpec> channels;
  std::vector<RequestSpec> requests;  // workload.requests: request sources (README "Requests")
  std::vector<SemaphoreSpec> semaphores;  // workload.semaphores: threading.Semaphores (README "Semaphores")
  std::string workload_where;         // "file:line:col" of the workload (or batch), for errors about it
  std::vector<ProcessSpec> processes;
  GilModel gil_model = GilModel::Auto;  // --gil-model
  bool keep_spans = true;               // false: the summary's totals only (no --trace, --svg)
};

}  // namespace gilsim
