#pragma once
#include <string>
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// A batch of identical tasks described once, to be run under several strategies.
struct BatchSpec {
  int64_t tasks = 1;
  std::vector<Step> program;  // one task
  Payload payload;            // one task's pickled arguments and result (processes, sub-interpreters)
};

enum class StrategyKind { Sequential, Threads, Processes, FreeThreaded, Subinterpreters, Asyncio, AsyncioThreads,
                          AsyncioProcesses };

// The API a processes strategy uses: multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor.
enum class ProcessApi { Pool, Executor };

struct StrategySpec {
  StrategyKind kind = StrategyKind::Sequential;
  int64_t workers = 1;
  StartMethod start_method = StartMethod::Fork;
  int64_t chunksize = 1;
  ProcessApi api = ProcessApi::Pool;
  std::string name() const;  // the variant name: "threads-8", "processes-8-spawn", ...
};

BatchSpec read_batch(const ValueReader& values, const YAML::Node& node, const std::vector<ChannelSpec>& channels);
std::vector<StrategySpec> read_strategies(const ValueReader& values, const YAML::Node& node, const BatchSpec& batch);

// The scenario that runs `batch` with `strategy` (README "Strategies"):
//  - sequential: one thread runs every task in turn;
//  - asyncio: one event loop runs every task as a coroutine (cpu blocks the loop, io is awaited);
//  - asyncio+threads: N: every coroutine awaits loop.run_in_executor() of the task's blocking
//    code on an N-thread executor (wrapping a blocking library);
//  - asyncio+processes: {workers: N, start_method}: the same on a ProcessPoolExecutor, with the
//    task's arguments and result pickled;
//  - threads: N (ThreadPoolExecutor): the main thread submits tasks to a queue.Queue that N
//    worker threads consume; free_threaded: N is the same on the free-threaded build;
//  - subinterpreters: N (InterpreterPoolExecutor): each worker in its own interpreter (its own
//    GIL); arguments and results are pickled between interpreters;
//  - processes (multiprocessing.Pool): the parent's task-handler thread pickles chunks of tasks
//    into a pipe, N worker processes started with the start method consume them and pickle
//    results back, and the parent's result-handler thread unpickles them;
//  - processes with api: executor (ProcessPoolExecutor): the main thread map()s the tasks in
//    chunks; the pool's threads and worker processes are laid out by WorkloadLayout.
Scenario expand_strategy(const Scenario& base, const BatchSpec& batch, const StrategySpec& strategy);

}  // namespace gilsim
