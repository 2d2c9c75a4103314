#include "sim/loader/Strategies.hpp"

#include "models/steps/StepTree.hpp"
#include "sim/loader/Limits.hpp"
#include "sim/loader/ProgramReader.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

Step repeat(int64_t count, std::vector<Step> body) {
  return {RepeatStep{count, std::move(body)}, "repeat x" + std::to_string(count)};
}
Step put(const std::string& channel, double bytes, double objects, PoolStepCost pool = PoolStepCost::None) {
  return {PutStep{channel, bytes, objects, pool}, "put " + channel};
}
Step get(const std::string& channel, PoolStepCost pool = PoolStepCost::None) {
  return {GetStep{channel, pool}, "get " + channel};
}
Step consume(const std::string& channel, std::vector<Step> body) {
  return {ConsumeStep{channel, std::move(body)}, "consume " + channel};
}
ThreadSpec thread(const std::string& name, int64_t count, std::vector<Step> program,
                  const std::string& interpreter = "main") {
  ThreadSpec t;
  t.name = name;
  t.count = count;
  t.interpreter = interpreter;
  t.program = std::move(program);
  return t;
}
ProcessSpec process(const std::string& name, int64_t count, std::vector<ThreadSpec> threads) {
  ProcessSpec p;
  p.name = name;
  p.count = count;
  p.threads = std::move(threads);
  return p;
}

StrategySpec read_strategy(const ValueReader& values, const YAML::Node& node, const std::string& path,
                           const BatchSpec& batch) {
  const char* const kKinds =
      "sequential, asyncio, asyncio+threads, asyncio+processes, threads, processes, free_threaded, subinterpreters";
  StrategySpec s;
  s.start_method = values.default_start_method;
  if (node.IsScalar()) {
    if (node.Scalar() == "sequential") return s;
    if (node.Scalar() == "asyncio") {
      for (const Step& step : batch.program)
        if (!is_leaf(step))
          values.source.fail(node, path, "the asyncio strategy needs a batch program of cpu, io, sleep and native steps only");
      s.kind = StrategyKind::Asyncio;
      return s;
    }
    values.source.fail(node, path, "expected a strategy (" + std::string(kKinds) + "), got '" + node.Scalar() + "'");
  }
  if (!node.IsMap() || node.size() != 1)
    values.source.fail(node, path, "expected a strategy such as 'sequential', 'threads: 8' or 'processes: {workers: 8}'");
  const YAML::Node key = node.begin()->first;
  const YAML::Node value = node.begin()->second;
  const std::string kind = key.Scalar();
  const std::string kind_path = path + "." + kind;
  const int64_t max_workers = limits::kMaxThreads;
  if (kind == "threads" || kind == "free_threaded" || kind == "subinterpreters") {
    s.kind = kind == "threads" ? StrategyKind::Threads
             : kind == "free_threaded" ? StrategyKind::FreeThreaded
                                       : StrategyKind::Subinterpreters;
    s.workers = values.integer(value, kind_path, 1, max_workers);
  } else if (kind == "processes") {
    s.kind = StrategyKind::Processes;
    MapReader map(values.source, value, kind_path);
    s.workers = values.integer(map.require("workers"), map.path_of("workers"), 1, limits::kMaxProcesses);
    if (auto m = map.get("start_method"); m.IsDefined()) s.start_method = read_start_method(values, m, map.path_of("start_method"));
    if (auto a = map.get("api"); a.IsDefined()) {
      const std::string api = values.string(a, map.path_of("api"));
      if (api == "pool") s.api = ProcessApi::Pool;
      else if (api == "executor") s.api = ProcessApi::Executor;
      else values.source.fail(a, map.path_of("api"), "expected pool (multiprocessing.Pool) or executor "
                                                     "(concurrent.futures.ProcessPoolExecutor), got '" + api + "'");
    }
    if (auto c = map.get("chunksize"); c.IsDefined()) {
      s.chunksize = values.integer(c, map.path_of("chunksize"), 1, batch.tasks);
      // Executor.map() sends a shorter last chunk; the Pool model needs whole chunks.
      if (s.api == ProcessApi::Pool && batch.tasks % s.chunksize != 0)
        values.source.fail(c, map.path_of("chunksize"), "batch.tasks (" + std::to_string(batch.tasks) +
                                                            ") must be a multiple of the chunksize (" +
                                                            std::to_string(s.chunksize) + ")");
    }
    map.reject_unknown_keys();
  } else if (kind == "asyncio+threads" || kind == "asyncio+processes") {
    if (kind == "asyncio+threads") {
      s.kind = StrategyKind::AsyncioThreads;
      s.workers = values.integer(value, kind_path, 1, 1024);
    } else {
      s.kind = StrategyKind::AsyncioProcesses;
      MapReader map(values.source, value, kind_path);
      s.workers = values.integer(map.require("workers"), map.path_of("workers"), 1, limits::kMaxProcesses);
      if (auto m = map.get("start_method"); m.IsDefined()) s.start_method = read_start_method(values, m, map.path_of("start_method"));
      map.reject_unknown_keys();
    }
    for (const Step& step : batch.program)
      if (!is_leaf(step))
        values.source.fail(key, kind_path, kind + " needs a batch program of cpu, io, sleep and native steps only");
  } else {
    values.source.fail(key, kind_path, "unknown strategy; expected one of " + std::string(kKinds));
  }
  return s;
}

// asyncio.run(gather(*tasks)) of `tasks` copies of one coroutine, with no queue, semaphore or
// executor of its own (named members: AsyncioStep grows with features).
AsyncioStep loop_of_tasks(int64_t tasks, std::vector<Step> program) {
  AsyncioStep loop;
  loop.coroutines.push_back({"task", tasks, std::move(program), {}});
  return loop;
}

}  // namespace

std::string StrategySpec::name() const {
  switch (kind) {
    case StrategyKind::Sequential: return "sequential";
    case StrategyKind::Asyncio: return "asyncio";
    case StrategyKind::AsyncioThreads: return "asyncio-threads-" + std::to_string(workers);
    case StrategyKind::AsyncioProcesses:
      return "asyncio-processes-" + std::to_string(workers) + "-" + start_method_name(start_method);
    case StrategyKind::Threads: return "threads-" + std::to_string(workers);
    case StrategyKind::FreeThreaded: return "free-threaded-" + std::to_string(workers);
    case StrategyKind::Subinterpreters: return "subinterpreters-" + std::to_string(workers);
    case StrategyKind::Processes:
      return "processes-" + std::to_string(workers) + "-" + start_method_name(start_method) +
             (chunksize > 1 ? "-chunk" + std::to_string(chunksize) : "") + (api == ProcessApi::Executor ? "-executor" : "");
  }
  return "?";
}

BatchSpec read_batch(const ValueReader& values, const YAML::Node& node, const std::vector<ChannelSpec>& channels) {
  MapReader map(values.source, node, "batch");
  BatchSpec batch;
  batch.tasks = values.integer(map.require("tasks"), "batch.tasks", 1, static_cast<int64_t>(limits::kMaxStepExecutions));
  batch.program = read_thread_program(values, channels, map.require("program"), "batch.program");
  batch.payload = read_payload(values, map);
  map.reject_unknown_keys();
  return batch;
}

std::vector<StrategySpec> read_strategies(const ValueReader& values, const YAML::Node& node, const BatchSpec& batch) {
  values.expect_sequence(node, "strategies");
  if (node.size() == 0) values.source.fail(node, "strategies", "expected at least one strategy");
  std::vector<StrategySpec> strategies;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "strategies[" + std::to_string(i) + "]";
    StrategySpec s = read_strategy(values, node[i], path, batch);
    for (const StrategySpec& other : strategies)
      if (other.name() == s.name()) values.source.fail(node[i], path, "the strategy " + s.name() + " is listed twice");
    strategies.push_back(s);
  }
  return strategies;
}

Scenario expand_strategy(const Scenario& base, const BatchSpec& batch, const StrategySpec& strategy) {
  Scenario s = base;
  s.variant = strategy.name();
  s.channels.clear();
  s.processes.clear();
  const int64_t n = strategy.workers;
  const double input = batch.payload.input_bytes, output = batch.payload.output_bytes, objects = batch.payload.objects;
  switch (strategy.kind) {
    case StrategyKind::Sequential:
      s.processes = {process("main", 1, {thread("MainThread", 1, {repeat(batch.tasks, batch.program)})})};
      break;
    case StrategyKind::Asyncio:
      s.processes = {process("main", 1, {thread("MainThread", 1, {{loop_of_tasks(batch.tasks, batch.program),
                                                                   "asyncio x" + std::to_string(batch.tasks)}})})};
      break;
    case StrategyKind::AsyncioThreads:
    case StrategyKind::AsyncioProcesses: {
      // Only a process pool pickles the task's arguments and result.
      const Payload payload = strategy.kind == StrategyKind::AsyncioProcesses ? batch.payload : Payload{};
      AsyncioStep loop = loop_of_tasks(batch.tasks, {{RunInExecutorStep{batch.program, payload}, "run_in_executor"}});
      if (strategy.kind == StrategyKind::AsyncioThreads) loop.executor_threads = static_cast<int>(n);
      else loop.process_pool = ProcessPoolSpec{static_cast<int>(n), strategy.start_method};
      s.processes = {process("main", 1, {thread("MainThread", 1, {{loop, "asyncio x" + std::to_string(batch.tasks)}})})};
      break;
    }
    case StrategyKind::Threads:
    case StrategyKind::FreeThreaded:
      if (strategy.kind == StrategyKind::FreeThreaded) s.runtime.build = PythonBuild::FreeThreaded;
      s.channels = {{"tasks", ChannelKind::Queue}};
      s.processes = {process("main", 1, {thread("MainThread", 1, {repeat(batch.tasks, {put("tasks", 0, 0)})}),
                                         thread("worker", n, {consume("tasks", batch.program)})})};
      break;
    case StrategyKind::Subinterpreters: {
      s.channels = {{"tasks", ChannelKind::InterpreterQueue}, {"results", ChannelKind::InterpreterQueue}};
      std::vector<Step> task = batch.program;
      task.push_back(put("results", output, objects));
      std::vector<ThreadSpec> threads = {thread("MainThread", 1,
                                                {repeat(batch.tasks, {put("tasks", input, objects)}),
                                                 repeat(batch.tasks, {get("results")})})};
      for (int64_t i = 0; i < n; ++i)
        threads.push_back(thread("worker" + std::to_string(i), 1, {consume("tasks", task)}, "interpreter" + std::to_string(i)));
      s.processes = {process("main", 1, threads)};
      break;
    }
    case StrategyKind::Processes: {
      const int64_t c = strategy.chunksize;
      if (strategy.api == ProcessApi::Executor) {
        ExecutorMapStep map{{static_cast<int>(n), strategy.start_method}, batch.tasks, c, batch.program, batch.payload};
        s.processes = {process("main", 1, {thread("MainThread", 1, {{map, "ProcessPoolExecutor.map() x" +
                                                                                  std::to_string(batch.tasks)}})})};
        break;
      }
      // multiprocessing.Pool (Lib/multiprocessing/pool.py): a task is a chunk. The task handler
      // makes each task tuple and sends it (_quick_put: pickle, send_bytes), the result handler
      // receives each result and sets it (cache[job]._set), both in the parent under its GIL; a
      // worker gets a task, calls the function on the chunk and puts the result.
      const int64_t chunks = batch.tasks / c;
      s.channels = {{"tasks", ChannelKind::Pipe}, {"results", ChannelKind::Pipe}};
      ProcessSpec parent = process(
          "main", 1,
          {thread("task-handler", 1, {repeat(chunks, {put("tasks", input * c, objects * c, PoolStepCost::TaskHandler)})}),
           thread("result-handler", 1, {repeat(chunks, {get("results", PoolStepCost::ResultHandler)})})});
      parent.is_parent = true;
      ProcessSpec workers = process(
          "worker", n,
          {thread("main", 1,
                  {consume("tasks", {repeat(c, batch.program),
                                     put("results", output * c, objects * c, PoolStepCost::WorkerTask)})})});
      workers.start_method = strategy.start_method;
      s.processes = {parent, workers};
      break;
    }
  }
  return s;
}

}  // namespace gilsim
