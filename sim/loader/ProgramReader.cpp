#include "sim/loader/ProgramReader.hpp"

#include <algorithm>
#include <optional>

#include "sim/loader/Limits.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {
namespace {

const char* const kStepKinds = "cpu, io, native, sleep, repeat, lock, unlock, put, get, consume, asyncio, run_in_executor";

// Locks held at the current point of the program being read, in acquisition order.
using HeldLocks = std::vector<std::string>;

// What reading one thread's program needs besides the YAML: the declared channels, and the
// locks held at the current point.
struct ProgramReading {
  const ValueReader& values;
  const std::vector<ChannelSpec>& channels;
  HeldLocks held;
  bool in_coroutine = false;            // reading a coroutine of an asyncio step
  std::vector<std::string> loop_queues;  // ... whose event loop has these asyncio.Queues
  std::optional<ProcessPoolSpec> thread_pool;  // the thread's ProcessPoolExecutor, once an asyncio step gave it
  std::string thread_pool_path;
};

// What holds locks in the program being read, for messages.
const char* holder(const ProgramReading& r) { return r.in_coroutine ? "coroutine" : "thread"; }
const char* lock_type(const ProgramReading& r) { return r.in_coroutine ? "asyncio.Lock" : "threading.Lock"; }

bool is_leaf(const decltype(Step::action)& action) {
  return std::holds_alternative<CpuStep>(action) || std::holds_alternative<IoStep>(action) ||
         std::holds_alternative<SleepStep>(action) || std::holds_alternative<NativeStep>(action);
}

std::vector<Step> read_program(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth);

std::string list_locks(const HeldLocks& held) {
  std::string out;
  for (const auto& l : held) out += (out.empty() ? "'" : ", '") + l + "'";
  return out;
}

AsyncioStep read_asyncio(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth);
RunInExecutorStep read_offload(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth);

Latency read_latency(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return Latency::fixed(values.duration(node, path, true));
  MapReader map(values.source, node, path);
  std::string distribution = "fixed";
  if (auto d = map.get("distribution"); d.IsDefined()) distribution = values.string(d, map.path_of("distribution"));
  Latency latency;
  if (distribution == "fixed") {
    latency = Latency::fixed(values.duration(map.require("latency"), map.path_of("latency"), true));
  } else if (distribution == "uniform") {
    latency.kind = Latency::Kind::Uniform;
    latency.a = values.duration(map.require("min"), map.path_of("min"), true);
    YAML::Node max = map.require("max");
    latency.b = values.duration(max, map.path_of("max"), true);
    if (latency.b < latency.a)
      values.source.fail(max, map.path_of("max"), "expected max >= min, got '" + max.Scalar() + "'");
  } else if (distribution == "exponential") {
    latency.kind = Latency::Kind::Exponential;
    latency.a = values.duration(map.require("mean"), map.path_of("mean"));
  } else {
    values.source.fail(map.get("distribution"), map.path_of("distribution"),
                       "expected one of fixed, uniform, exponential, got '" + distribution + "'");
  }
  map.reject_unknown_keys();
  return latency;
}

// The `steps` of a repeat or consume: run again and again, they must leave the locks held as
// they found them.
std::vector<Step> read_balanced_body(ProgramReading& r, MapReader& map, const YAML::Node& key,
                                     const std::string& step_path, int depth, const std::string& what,
                                     const std::string& pass) {
  const HeldLocks before = r.held;
  std::vector<Step> body = read_program(r, map.require("steps"), map.path_of("steps"), depth + 1);
  if (r.held != before)
    r.values.source.fail(key, step_path, what + " must release every lock they take (" + pass + " ends holding " +
                                             list_locks(r.held) + ")");
  return body;
}

std::string read_channel_name(ProgramReading& r, const YAML::Node& node, const std::string& path) {
  const std::string name = r.values.string(node, path);
  for (const std::string& queue : r.loop_queues)
    if (queue == name) return name;
  for (const ChannelSpec& c : r.channels)
    if (c.name == name) return name;
  std::string known;
  for (const ChannelSpec& c : r.channels) known += (known.empty() ? "" : ", ") + c.name;
  if (!r.in_coroutine)
    r.values.source.fail(node, path, "no channel named '" + name + "' in workload.channels" +
                                         (known.empty() ? " (there are none)" : " (channels: " + known + ")"));
  std::string queues;
  for (const std::string& q : r.loop_queues) queues += (queues.empty() ? "" : ", ") + q;
  r.values.source.fail(node, path, "no asyncio queue named '" + name + "' in this asyncio step's queues (" +
                                       (queues.empty() ? "none" : queues) + ") and no channel of that name in "
                                       "workload.channels (" + (known.empty() ? "none" : known) + ")");
}

double read_size(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) values.source.fail(node, path, "expected a size such as '64KiB', got " + describe_node(node));
  auto size = parse_size(node.Scalar());
  if (!size || *size < 0)
    values.source.fail(node, path, "expected a size such as '64KiB' (units: B, KB, MB, GB, KiB, MiB, GiB), got '" +
                                       node.Scalar() + "'");
  if (*size > 1e12) values.source.fail(node, path, "size '" + node.Scalar() + "' is larger than 1 TB");
  return *size;
}

Step read_step(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth) {
  const ValueReader& values = r.values;
  HeldLocks& held = r.held;
  if (!node.IsMap() || node.size() != 1)
    values.source.fail(node, path,
                       std::string("expected a step: a mapping with one key among ") + kStepKinds +
                           ", got " + (node.IsMap() ? "a mapping with " + std::to_string(node.size()) + " keys" : describe_node(node)));
  const YAML::Node key = node.begin()->first;
  const YAML::Node value = node.begin()->second;
  const std::string kind = key.IsScalar() ? key.Scalar() : "";
  const std::string step_path = path + "." + kind;
  Step step;
  if (kind == "cpu") {
    double s = values.duration(value, step_path);
    step = {CpuStep{s}, "cpu " + format_duration(s)};
  } else if (kind == "native") {
    NativeStep native;
    if (value.IsMap()) {
      MapReader map(values.source, value, step_path);
      native.seconds = values.duration(map.require("time"), map.path_of("time"));
      if (auto t = map.get("threads"); t.IsDefined())
        native.threads = static_cast<int>(values.integer(t, map.path_of("threads"), 1, limits::kMaxNativeThreads));
      map.reject_unknown_keys();
    } else {
      native.seconds = values.duration(value, step_path);
    }
    step = {native, "native " + format_duration(native.seconds) +
                        (native.threads > 1 ? " x" + std::to_string(native.threads) : "")};
  } else if (kind == "sleep") {
    double s = values.duration(value, step_path, true);
    step = {SleepStep{s}, "sleep " + format_duration(s)};
  } else if (kind == "io") {
    Latency latency = read_latency(values, value, step_path);
    step = {IoStep{latency}, "io " + latency.describe()};
  } else if (kind == "repeat") {
    if (depth >= limits::kMaxNesting)
      values.source.fail(key, step_path, "repeat nested deeper than " + std::to_string(limits::kMaxNesting) + " levels");
    MapReader map(values.source, value, step_path);
    RepeatStep repeat;
    repeat.count = values.integer(map.require("count"), map.path_of("count"), 1, limits::kMaxRepeat);
    repeat.body = read_balanced_body(r, map, key, step_path, depth, "the repeated steps", "an iteration");
    map.reject_unknown_keys();
    step = {repeat, "repeat x" + std::to_string(repeat.count)};
  } else if (kind == "asyncio") {
    if (r.in_coroutine)
      values.source.fail(key, step_path, "an asyncio step cannot run inside a coroutine (asyncio.run() cannot be "
                                         "called from a running event loop)");
    AsyncioStep loop = read_asyncio(r, value, step_path, depth);
    step = {loop, "asyncio x" + std::to_string(loop.tasks())};
  } else if (kind == "run_in_executor") {
    if (!r.in_coroutine)
      values.source.fail(key, step_path, "run_in_executor is a coroutine step: use it in an asyncio step's program");
    step = {read_offload(r, value, step_path, depth), "run_in_executor"};
  } else if (kind == "put") {
    MapReader map(values.source, value, step_path);
    PutStep put;
    put.channel = read_channel_name(r, map.require("channel"), map.path_of("channel"));
    if (auto b = map.get("bytes"); b.IsDefined()) put.bytes = read_size(values, b, map.path_of("bytes"));
    if (auto o = map.get("objects"); o.IsDefined())
      put.objects = static_cast<double>(values.integer(o, map.path_of("objects"), 0, 1000000000000LL));
    map.reject_unknown_keys();
    step = {put, "put " + put.channel};
  } else if (kind == "get") {
    step = {GetStep{read_channel_name(r, value, step_path)}, "get " + value.Scalar()};
  } else if (kind == "consume") {
    if (depth >= limits::kMaxNesting)
      values.source.fail(key, step_path, "steps nested deeper than " + std::to_string(limits::kMaxNesting) + " levels");
    MapReader map(values.source, value, step_path);
    ConsumeStep consume;
    consume.channel = read_channel_name(r, map.require("channel"), map.path_of("channel"));
    consume.body = read_balanced_body(r, map, key, step_path, depth, "the steps", "a message");
    map.reject_unknown_keys();
    step = {consume, "consume " + consume.channel};
  } else if (kind == "lock" || kind == "unlock") {
    const std::string name = values.string(value, step_path);
    if (name.empty()) values.source.fail(value, step_path, "expected a lock name");
    auto it = std::find(held.begin(), held.end(), name);
    if (kind == "lock") {
      if (it != held.end())
        values.source.fail(value, step_path, "lock '" + name + "' is already held by this " + holder(r) + " here; " +
                                                 lock_type(r) + " is not re-entrant, so this would deadlock");
      held.push_back(name);
    } else {
      if (it == held.end())
        values.source.fail(value, step_path, "unlock of '" + name + "', which this " + holder(r) + " does not hold "
                                             "here (expected a 'lock: " + name + "' step before it)");
      held.erase(it);
    }
    step = {LockStep{name, kind == "lock"}, kind + " " + name};
  } else {
    values.source.fail(key, path + "." + kind, std::string("unknown step kind; expected one of: ") + kStepKinds);
  }
  return step;
}


// run_in_executor: [steps], or {steps: [...], input, output, objects} with the pickled
// arguments and result a process pool moves.
RunInExecutorStep read_offload(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth) {
  RunInExecutorStep offload;
  std::optional<MapReader> map;
  if (node.IsMap()) {
    map.emplace(r.values.source, node, path);
    offload.payload = read_payload(r.values, *map);
  }
  // Not assigned: assigning a YAML::Node writes through to the node it refers to.
  const YAML::Node steps = map ? map->require("steps") : node;
  const std::string steps_path = map ? map->path_of("steps") : path;
  r.in_coroutine = false;
  offload.work = read_program(r, steps, steps_path, depth + 1);
  r.in_coroutine = true;
  for (std::size_t i = 0; i < offload.work.size(); ++i)
    if (!is_leaf(offload.work[i].action))
      r.values.source.fail(steps[i], steps_path + "[" + std::to_string(i) + "]",
                           "the blocking function's steps must be cpu, io, sleep or native");
  if (map) map->reject_unknown_keys();
  return offload;
}

// executor: {kind: threads, workers: K} (the loop's default ThreadPoolExecutor) or {kind:
// processes, workers: N, start_method: M} (a ProcessPoolExecutor). A thread's asyncio steps share
// one process pool: they must describe the same one.
void read_loop_executor(ProgramReading& r, const YAML::Node& node, const std::string& path, AsyncioStep& loop) {
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
  ProcessPoolSpec pool{0, StartMethod::Fork};
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
std::vector<Step> read_coroutine_program(ProgramReading& r, const YAML::Node& node, const std::string& path,
                                         int depth) {
  std::vector<Step> program = read_program(r, node, path, depth);
  if (!r.held.empty())
    r.values.source.fail(node, path, "the coroutine ends holding " + list_locks(r.held) +
                                         "; release every asyncio.Lock it takes");
  return program;
}

std::vector<AsyncioQueueSpec> read_loop_queues(ProgramReading& r, const YAML::Node& node, const std::string& path) {
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

// asyncio: {tasks: N, program: [...]} (N identical coroutines) or {coroutines: [{name, count,
// program}, ...]}, with the loop's queues and executor size. Coroutines hold their own locks.
AsyncioStep read_asyncio(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth) {
  const ValueReader& values = r.values;
  MapReader map(values.source, node, path);
  AsyncioStep loop;
  if (auto q = map.get("queues"); q.IsDefined()) loop.queues = read_loop_queues(r, q, map.path_of("queues"));
  const YAML::Node tasks = map.get("tasks");
  const YAML::Node coroutines = map.get("coroutines");
  if (tasks.IsDefined() == coroutines.IsDefined())
    values.source.fail(tasks.IsDefined() ? coroutines : node, tasks.IsDefined() ? map.path_of("coroutines") : path,
                       "expected either 'tasks' with a 'program' (identical coroutines) or 'coroutines' (a list of "
                       "{name, count, program}), not both");
  ProgramReading coroutine{values, r.channels, {}, true, {}, std::nullopt, ""};
  for (const AsyncioQueueSpec& q : loop.queues) coroutine.loop_queues.push_back(q.name);
  if (tasks.IsDefined()) {
    const int64_t count = values.integer(tasks, map.path_of("tasks"), 1, limits::kMaxAsyncioTasks);
    loop.coroutines.push_back({"task", count, read_coroutine_program(coroutine, map.require("program"),
                                                                     map.path_of("program"), depth + 1)});
  } else {
    values.expect_sequence(coroutines, map.path_of("coroutines"));
    if (coroutines.size() == 0)
      values.source.fail(coroutines, map.path_of("coroutines"), "expected at least one coroutine");
    for (std::size_t i = 0; i < coroutines.size(); ++i) {
      MapReader c(values.source, coroutines[i], map.path_of("coroutines") + "[" + std::to_string(i) + "]");
      CoroutineSpec spec{"c" + std::to_string(i), 1, {}};
      if (auto n = c.get("name"); n.IsDefined()) {
        spec.name = values.string(n, c.path_of("name"));
        for (const CoroutineSpec& other : loop.coroutines)
          if (other.name == spec.name) values.source.fail(n, c.path_of("name"), "duplicate coroutine name '" + spec.name + "'");
      }
      if (auto n = c.get("count"); n.IsDefined())
        spec.count = values.integer(n, c.path_of("count"), 1, limits::kMaxAsyncioTasks);
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

std::vector<Step> read_program(ProgramReading& r, const YAML::Node& node, const std::string& path, int depth) {
  r.values.expect_sequence(node, path);
  if (node.size() == 0) r.values.source.fail(node, path, "expected at least one step, got an empty list");
  std::vector<Step> program;
  for (std::size_t i = 0; i < node.size(); ++i)
    program.push_back(read_step(r, node[i], path + "[" + std::to_string(i) + "]", depth));
  return program;
}

}  // namespace

std::vector<Step> read_thread_program(const ValueReader& values, const std::vector<ChannelSpec>& channels,
                                      const YAML::Node& node, const std::string& path) {
  ProgramReading r{values, channels, {}, false, {}, std::nullopt, ""};
  std::vector<Step> program = read_program(r, node, path, 0);
  if (!r.held.empty())
    values.source.fail(node, path, "the thread ends holding " + list_locks(r.held) + "; release every lock it takes");
  return program;
}

StartMethod read_start_method(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  const std::string method = values.string(node, path);
  if (method == "fork") return StartMethod::Fork;
  if (method == "spawn") return StartMethod::Spawn;
  if (method != "forkserver") values.source.fail(node, path, "expected one of fork, spawn, forkserver, got '" + method + "'");
  return StartMethod::Forkserver;
}

Payload read_payload(const ValueReader& values, MapReader& map) {
  Payload payload;
  if (auto n = map.get("input"); n.IsDefined()) payload.input_bytes = read_size(values, n, map.path_of("input"));
  if (auto n = map.get("output"); n.IsDefined()) payload.output_bytes = read_size(values, n, map.path_of("output"));
  if (auto n = map.get("objects"); n.IsDefined())
    payload.objects = static_cast<double>(values.integer(n, map.path_of("objects"), 0, 1000000000000LL));
  return payload;
}

double count_step_executions(const std::vector<Step>& program) {
  double total = 0;
  for (const Step& step : program) {
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      total += static_cast<double>(repeat->count) * count_step_executions(repeat->body);
    else if (const auto* consume = std::get_if<ConsumeStep>(&step.action))
      total += 1 + count_step_executions(consume->body);  // per message; bounded by the puts
    else if (const auto* map = std::get_if<ExecutorMapStep>(&step.action))
      total += 1 + static_cast<double>(map->tasks) * count_step_executions(map->program) +
               2 * static_cast<double>((map->tasks + map->chunksize - 1) / map->chunksize);  // gets and puts
    else if (const auto* loop = std::get_if<AsyncioStep>(&step.action)) {
      total += 1;
      for (const CoroutineSpec& c : loop->coroutines)
        total += static_cast<double>(c.count) * count_step_executions(c.program);
    }
    else
      total += 1;
  }
  return total;
}

}  // namespace gilsim
