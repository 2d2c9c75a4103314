#include "models/steps/asyncio/AsyncioStep.hpp"

#include <ostream>

#include "sim/loader/Limits.hpp"
#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/SemaphoreReader.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"

// How `asyncio` steps are read from YAML and exported as JSON (docs/trace-format.md):
// asyncio: {tasks: N, program: [...]} (N identical coroutines) or {coroutines: [{name, count,
// program}, ...]}, with the loop's queues and executor. Coroutines hold their own locks.

namespace gilsim {
namespace {

// executor: {kind: threads, workers: K} (the loop's default ThreadPoolExecutor) or {kind:
// processes, workers: N, start_method: M} (a ProcessPoolExecutor). A thread's asyncio steps share
// one process pool: they must describe the same one.
void read_loop_executor(StepReading& r, const YAML::Node& node, const std::string& path, AsyncioStep& loop) {
  const ValueReader& values = r.values;
  MapReader map(values.source, node, path);
  YAML::Node kind = map.require("kind");
  const std::string text = values.string(kind, map.path_of("kind"));
  if (text != "threads" && text != "processes")
    values.source.fail(kind, map.path_of("kind"), "expected threads (ThreadPoolExecutor) or processes "
                                                  "(ProcessPoolExecutor), got '" + text + "'");
  YAML::Node workers = map.get("workers");
  if (text == "threads") {
    if (workers.IsDefined())
      loop.executor_threads = static_cast<int>(values.integer(workers, map.path_of("workers"), 1, 1024));
    map.reject_unknown_keys();  // start_method is a process pool's
    return;
  }
  ProcessPoolSpec pool{0, values.default_start_method};
  if (workers.IsDefined())
    pool.workers = static_cast<int>(values.integer(workers, map.path_of("workers"), 1, limits::kMaxProcesses));
  if (auto m = map.get("start_method"); m.IsDefined()) pool.start_method = read_start_method(values, m, map.path_of("start_method"));
  map.reject_unknown_keys();
  if (r.thread_pool && (r.thread_pool->workers != pool.workers || r.thread_pool->start_method != pool.start_method))
    values.source.fail(node, path, "the asyncio steps of a thread share one ProcessPoolExecutor, shut down when the "
                                   "thread ends: give this one the same workers and start_method as " + r.thread_pool_path);
  r.thread_pool = pool;
  r.thread_pool_path = path;
  loop.process_pool = pool;
}

// A coroutine's program: its asyncio.Locks must be released before it returns.
std::vector<Step> read_coroutine_program(StepReading& r, const YAML::Node& node, const std::string& path, int depth) {
  std::vector<Step> program = r.read_program(node, path, depth);
  if (r.holds_any())
    r.values.source.fail(node, path, "the coroutine ends holding " + r.list_held() +
                                         "; release every " +
                                         (r.held_semaphores.empty() ? "asyncio.Lock" : "asyncio.Lock and asyncio.Semaphore") +
                                         " it takes");
  return program;
}

std::vector<AsyncioQueueSpec> read_loop_queues(StepReading& r, const YAML::Node& node, const std::string& path) {
  const ValueReader& values = r.values;
  values.expect_sequence(node, path);
  std::vector<AsyncioQueueSpec> queues;
  for (std::size_t i = 0; i < node.size(); ++i) {
    MapReader map(values.source, node[i], path + "[" + std::to_string(i) + "]");
    YAML::Node name = map.require("name");
    AsyncioQueueSpec queue{values.string(name, map.path_of("name")), 0};
    if (queue.name.empty()) values.source.fail(name, map.path_of("name"), "expected a queue name");
    for (const AsyncioQueueSpec& q : queues)
      if (q.name == queue.name) values.source.fail(name, map.path_of("name"), "duplicate queue name '" + q.name + "'");
    for (const ChannelSpec& c : r.channels)
      if (c.name == queue.name)
        values.source.fail(name, map.path_of("name"), "'" + c.name + "' is also a channel in workload.channels; "
                                                      "give the asyncio queue another name (a coroutine's put and "
                                                      "get would not know which one they mean)");
    if (auto m = map.get("maxsize"); m.IsDefined())
      queue.maxsize = values.integer(m, map.path_of("maxsize"), 0, limits::kMaxRepeat);
    map.reject_unknown_keys();
    queues.push_back(queue);
  }
  return queues;
}

AsyncioStep read_loop(StepReading& r, const YAML::Node& node, const std::string& path, int depth) {
  const ValueReader& values = r.values;
  MapReader map(values.source, node, path);
  AsyncioStep loop;
  if (auto q = map.get("queues"); q.IsDefined()) loop.queues = read_loop_queues(r, q, map.path_of("queues"));
  loop.semaphores = read_semaphore_specs(values, map.get("semaphores"), map.path_of("semaphores"), "asyncio.Semaphore");
  const YAML::Node tasks = map.get("tasks");
  const YAML::Node coroutines = map.get("coroutines");
  const YAML::Node requests = map.get("requests");
  // Exactly one form; when two are given, the second (in this order) is the one reported.
  const std::string forms_expected =
      "expected either 'tasks' with a 'program' (identical coroutines), 'requests' with a 'program' (one coroutine "
      "per request of workload.requests) or 'coroutines' (a list of {name, count, program}), only one of them";
  int forms = 0;
  for (const char* form : {"tasks", "requests", "coroutines"})
    if (map.get(form).IsDefined() && ++forms == 2) values.source.fail(map.get(form), map.path_of(form), forms_expected);
  if (forms == 0) values.source.fail(node, path, forms_expected);
  StepReading coroutine(values, r.channels);
  coroutine.requests = r.requests;
  coroutine.in_coroutine = true;
  for (const AsyncioQueueSpec& q : loop.queues) coroutine.loop_queues.push_back(q.name);
  coroutine.loop_semaphores = loop.semaphores;
  coroutine.semaphores = r.semaphores;  // only to say what a name of them is, if a coroutine uses one
  if (tasks.IsDefined()) {
    const int64_t count = values.integer(tasks, map.path_of("tasks"), 1, limits::kMaxAsyncioTasks);
    loop.coroutines.push_back({"task", count, read_coroutine_program(coroutine, map.require("program"),
                                                                     map.path_of("program"), depth + 1), ""});
  } else if (requests.IsDefined()) {
    const RequestSpec& source = r.read_request_source(requests, map.path_of("requests"));
    loop.coroutines.push_back({source.name, source.count, read_coroutine_program(coroutine, map.require("program"),
                                                                                map.path_of("program"), depth + 1),
                               source.name});
  } else {
    values.expect_sequence(coroutines, map.path_of("coroutines"));
    if (coroutines.size() == 0)
      values.source.fail(coroutines, map.path_of("coroutines"), "expected at least one coroutine");
    for (std::size_t i = 0; i < coroutines.size(); ++i) {
      MapReader c(values.source, coroutines[i], map.path_of("coroutines") + "[" + std::to_string(i) + "]");
      CoroutineSpec spec{"c" + std::to_string(i), 1, {}, ""};
      if (auto n = c.get("name"); n.IsDefined()) {
        spec.name = values.string(n, c.path_of("name"));
        for (const CoroutineSpec& other : loop.coroutines)
          if (other.name == spec.name) values.source.fail(n, c.path_of("name"), "duplicate coroutine name '" + spec.name + "'");
      }
      const YAML::Node count = c.get("count");
      const YAML::Node served = c.get("requests");
      if (count.IsDefined() && served.IsDefined())
        values.source.fail(served, c.path_of("requests"), "give either count or requests (one coroutine per "
                                                          "request), not both");
      if (count.IsDefined()) spec.count = values.integer(count, c.path_of("count"), 1, limits::kMaxAsyncioTasks);
      if (served.IsDefined()) {
        const RequestSpec& source = r.read_request_source(served, c.path_of("requests"));
        spec.requests = source.name;
        spec.count = source.count;
      }
      spec.program = read_coroutine_program(coroutine, c.require("program"), c.path_of("program"), depth + 1);
      c.reject_unknown_keys();
      loop.coroutines.push_back(std::move(spec));
    }
    if (loop.tasks() > limits::kMaxAsyncioTasks)
      values.source.fail(coroutines, map.path_of("coroutines"),
                         std::to_string(loop.tasks()) + " tasks in all, more than the limit of " +
                             std::to_string(limits::kMaxAsyncioTasks));
  }
  const YAML::Node threads = map.get("executor_threads");
  const YAML::Node executor = map.get("executor");
  if (threads.IsDefined() && executor.IsDefined())
    values.source.fail(executor, map.path_of("executor"), "give either executor_threads or executor, not both");
  if (threads.IsDefined())
    loop.executor_threads = static_cast<int>(values.integer(threads, map.path_of("executor_threads"), 1, 1024));
  if (executor.IsDefined()) read_loop_executor(r, executor, map.path_of("executor"), loop);
  map.reject_unknown_keys();
  return loop;
}

}  // namespace

Step read_step(StepTag<AsyncioStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  if (r.in_coroutine)
    r.values.source.fail(key, path, "an asyncio step cannot run inside a coroutine (asyncio.run() cannot be "
                                    "called from a running event loop)");
  AsyncioStep loop = read_loop(r, value, path, depth);
  const std::string label = "asyncio x" + std::to_string(loop.tasks());
  return {std::move(loop), label};
}

// Identical coroutines keep the form {tasks, program}; several kinds of coroutines, and the
// loop's queues, have keys of their own (present only when used).
void write_step(std::ostream& out, const AsyncioStep& loop, const std::string& pad) {
  out << "\"kind\": \"asyncio\", ";
  if (loop.coroutines.size() == 1 && !loop.coroutines[0].requests.empty() &&
      loop.coroutines[0].name == loop.coroutines[0].requests) {
    out << "\"requests\": " << json::quote(loop.coroutines[0].requests) << ", \"executor_threads\": "
        << loop.executor_threads << ", \"program\": ";
    write_program_json(out, loop.coroutines[0].program, pad + "  ");
  } else if (loop.coroutines.size() == 1 && loop.coroutines[0].name == "task") {
    out << "\"tasks\": " << loop.coroutines[0].count << ", \"executor_threads\": " << loop.executor_threads
        << ", \"program\": ";
    write_program_json(out, loop.coroutines[0].program, pad + "  ");
  } else {
    out << "\"executor_threads\": " << loop.executor_threads << ", \"coroutines\": [";
    for (std::size_t c = 0; c < loop.coroutines.size(); ++c) {
      const CoroutineSpec& coroutine = loop.coroutines[c];
      out << (c ? "," : "") << "\n" << pad << "    {\"name\": " << json::quote(coroutine.name)
          << ", \"count\": " << coroutine.count;
      if (!coroutine.requests.empty()) out << ", \"requests\": " << json::quote(coroutine.requests);
      out << ", \"program\": ";
      write_program_json(out, coroutine.program, pad + "    ");
      out << "}";
    }
    out << "]";
  }
  if (loop.process_pool)
    out << ", \"executor\": {\"kind\": \"processes\", \"workers\": " << loop.process_pool->workers
        << ", \"start_method\": \"" << start_method_name(loop.process_pool->start_method) << "\"}";
  if (!loop.queues.empty()) {
    out << ", \"queues\": [";
    for (std::size_t q = 0; q < loop.queues.size(); ++q)
      out << (q ? ", " : "") << "{\"name\": " << json::quote(loop.queues[q].name)
          << ", \"maxsize\": " << loop.queues[q].maxsize << "}";
    out << "]";
  }
  if (!loop.semaphores.empty()) out << ", \"semaphores\": " << semaphores_json(loop.semaphores);
  out << "}";
}

}  // namespace gilsim
