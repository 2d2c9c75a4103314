#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/scenario/AsyncioConfig.hpp"
#include "sim/scenario/ChannelKind.hpp"
#include "sim/scenario/GilConfig.hpp"
#include "sim/scenario/IpcConfig.hpp"
#include "sim/scenario/Latency.hpp"
#include "sim/scenario/MachineConfig.hpp"
#include "sim/scenario/ProcessPoolConfig.hpp"
#include "sim/scenario/StartMethod.hpp"

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

// Steps of the parent's synthesized main thread: Process.start() and Process.join() of one
// process instance (index into the simulation's process table). Never read from YAML.
struct ProcessStartStep {
  int process = 0;
  StartMethod method = StartMethod::Fork;
};
struct ProcessJoinStep {
  int process = 0;
};
// put/get of one message on a channel; `objects` adds the per-object pickling cost.
struct PutStep {
  std::string channel;
  double bytes = 0;
  double objects = 0;
};
struct GetStep {
  std::string channel;
};
// A multiprocessing.Queue's feeder thread draining the process's buffer for `channel`, or, for
// `pool_owner` >= 0, the call queue of the ProcessPoolExecutor of that thread.
struct FeederStep {
  std::string channel;
  int pool_owner = -1;
};
struct Step;
// Gets messages from `channel` and runs `body` for each, until the channel is closed (every
// writer finished and nothing left): a worker's loop over a task queue.
struct ConsumeStep {
  std::string channel;
  std::vector<Step> body;
};
// Pickled arguments and result of one task handed to another process or interpreter, and the
// objects in each (for the per-object pickling cost).
struct Payload {
  double input_bytes = 0;
  double output_bytes = 0;
  double objects = 0;
};
// concurrent.futures.ProcessPoolExecutor(max_workers=workers,
// mp_context=multiprocessing.get_context(start_method)).
struct ProcessPoolSpec {
  int workers = 1;  // 0: os.cpu_count()
  StartMethod start_method = StartMethod::Fork;
};
// A group of identical coroutines of an asyncio step: `count` tasks running `program`, named
// name[i] (the name alone when count is 1) in deadlock reports.
struct CoroutineSpec {
  std::string name;
  int64_t count = 1;
  std::vector<Step> program;
};
// asyncio.Queue(maxsize) of one event loop (0: unbounded).
struct AsyncioQueueSpec {
  std::string name;
  int64_t maxsize = 0;
};
// asyncio.run(gather(*tasks)) of every coroutine of `coroutines` on this thread's event loop:
// cpu runs on the loop, io and sleep are awaited, lock/unlock are asyncio.Locks and put/get/
// consume on `queues` asyncio.Queues of this loop (README "asyncio").
struct AsyncioStep {
  std::vector<CoroutineSpec> coroutines;
  std::vector<AsyncioQueueSpec> queues;
  int executor_threads = 0;  // ThreadPoolExecutor size for run_in_executor; 0: min(32, cores + 4)
  // The ProcessPoolExecutor run_in_executor hands work to instead; the asyncio steps of a thread
  // share it, and it is shut down when the thread's program ends.
  std::optional<ProcessPoolSpec> process_pool;
  int64_t tasks() const {
    int64_t n = 0;
    for (const CoroutineSpec& c : coroutines) n += c.count;
    return n;
  }
};
// In a coroutine: `await loop.run_in_executor(executor, blocking)`, where `blocking` runs `work`
// (leaf steps) on one of the executor's threads or worker processes; a process pool pickles
// its arguments and result (`payload`).
struct RunInExecutorStep {
  std::vector<Step> work;
  Payload payload;
};
// `with ProcessPoolExecutor(...) as pool: list(pool.map(fn, range(tasks), chunksize=chunksize))`
// where fn runs `program` (the processes strategy with api: executor). Never read from YAML.
struct ExecutorMapStep {
  ProcessPoolSpec pool;
  int64_t tasks = 1;
  int64_t chunksize = 1;
  std::vector<Step> program;
  Payload payload;  // per task
};
// The executor manager thread of the ProcessPoolExecutor of thread `owner`. Never read from YAML.
struct PoolManagerStep {
  int owner = 0;
};
// A worker process of the ProcessPoolExecutor of thread `owner` (_process_worker): gets calls
// from the call queue, runs them and puts the results on the result queue. `works` are the
// functions it may be handed; their steps follow this one in step-index order, then the put of
// a result. Never read from YAML.
struct PoolWorkerStep {
  int owner = 0;
  std::vector<const std::vector<Step>*> works;
};
// A ThreadPoolExecutor worker of the event loop on thread `loop_thread`. Never read from YAML.
struct ExecutorWorkerStep {
  int loop_thread = 0;
};
struct RepeatStep {
  int64_t count = 0;
  std::vector<Step> body;
};

struct Step {
  std::variant<CpuStep, IoStep, NativeStep, SleepStep, RepeatStep, LockStep, ProcessStartStep, ProcessJoinStep,
               PutStep, GetStep, ConsumeStep, FeederStep, AsyncioStep, RunInExecutorStep, ExecutorWorkerStep,
               ExecutorMapStep, PoolManagerStep, PoolWorkerStep>
      action;
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
  // Started by the parent with this method (one after another, in order); running at time 0
  // when absent.
  std::optional<StartMethod> start_method;
  // The process whose MainThread starts and joins the others (set by strategy expansion);
  // without one, a separate process "main" does.
  bool is_parent = false;
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
  const StartCost& of(StartMethod method) const {
    return method == StartMethod::Fork ? fork : method == StartMethod::Spawn ? spawn : forkserver;
  }
};

enum class PythonBuild { Default, FreeThreaded };

struct RuntimeConfig {
  GilConfig gil;
  uint64_t seed = 1;
  PythonBuild build = PythonBuild::Default;
  // Python bytecode runs this much slower in the free-threaded build (README "GIL").
  double free_threaded_slowdown = 1.08;
  ProcessCosts processes;
  IpcConfig ipc;
  ProcessPoolConfig process_pool;
  AsyncioConfig asyncio;
};

struct ChannelSpec {
  std::string name;
  ChannelKind kind = ChannelKind::Queue;
};

// How gilsim simulates, not what: chosen on the command line, never in the scenario file.
enum class GilModel { Fast, Reference };

// One simulation's input: a scenario with its variant (if any) applied.
struct Scenario {
  std::string file;
  std::string name;
  std::string variant;  // empty when the file has no variants
  std::string description;
  MachineConfig machine;
  RuntimeConfig runtime;
  std::vector<ChannelSpec> channels;
  std::vector<ProcessSpec> processes;
  GilModel gil_model = GilModel::Fast;  // --gil-model
  bool keep_spans = true;               // false: the summary's totals only (no --trace, --svg)
};

}  // namespace gilsim
