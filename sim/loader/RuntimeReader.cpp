#include "sim/loader/RuntimeReader.hpp"

#include <initializer_list>
#include <string>
#include <utility>

#include "sim/loader/Limits.hpp"
#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

// runtime.process_start: {fork: {parent, child}, spawn: {...}, forkserver: {parent, child, server}}
void read_process_start(const ValueReader& values, const YAML::Node& node, ProcessCosts& costs) {
  MapReader map(values.source, node, "runtime.process_start");
  for (StartMethod method : {StartMethod::Fork, StartMethod::Spawn, StartMethod::Forkserver}) {
    const std::string name = start_method_name(method);
    YAML::Node entry = map.get(name);
    if (!entry.IsDefined()) continue;
    MapReader cost(values.source, entry, map.path_of(name));
    StartCost& target = method == StartMethod::Fork ? costs.fork : method == StartMethod::Spawn ? costs.spawn : costs.forkserver;
    if (auto n = cost.get("parent"); n.IsDefined()) target.parent = values.duration(n, cost.path_of("parent"), true);
    if (auto n = cost.get("child"); n.IsDefined()) target.child = values.duration(n, cost.path_of("child"), true);
    if (auto n = cost.get("exit"); n.IsDefined()) target.exit = values.duration(n, cost.path_of("exit"), true);
    if (method == StartMethod::Forkserver)
      if (auto n = cost.get("server"); n.IsDefined()) costs.forkserver_server = values.duration(n, cost.path_of("server"), true);
    cost.reject_unknown_keys();
  }
  map.reject_unknown_keys();
}

using DurationFields = std::initializer_list<std::pair<const char*, double*>>;

// Optional duration keys of `map` (zero allowed), each into its field.
void read_durations(const ValueReader& values, MapReader& map, DurationFields fields) {
  for (auto [key, field] : fields)
    if (auto n = map.get(key); n.IsDefined()) *field = values.duration(n, map.path_of(key), true);
}

// A section of `runtime` made only of costs (durations), such as runtime.asyncio.
void read_cost_section(const ValueReader& values, const YAML::Node& node, const std::string& path, DurationFields fields) {
  MapReader map(values.source, node, path);
  read_durations(values, map, fields);
  map.reject_unknown_keys();
}

// runtime.ipc.unix_socket / tcp_socket: {send, recv, buffer}.
void read_socket(const ValueReader& values, const YAML::Node& node, const std::string& path, SocketCosts& socket) {
  MapReader map(values.source, node, path);
  read_durations(values, map, {{"send", &socket.send}, {"recv", &socket.recv}});
  if (auto n = map.get("buffer"); n.IsDefined())
    socket.buffer = values.size(n, map.path_of("buffer"), limits::kMinPipeBuffer, limits::kMaxPipeBuffer,
                                "from 4KiB to 1GiB");
  map.reject_unknown_keys();
}

// runtime.ipc: bandwidths in bytes per second (numbers), sizes with units, costs as durations.
void read_ipc(const ValueReader& values, const YAML::Node& node, IpcConfig& ipc) {
  MapReader map(values.source, node, "runtime.ipc");
  for (auto [key, field] : {std::pair<const char*, double*>{"pickle_bandwidth", &ipc.pickle_bandwidth},
                            {"unpickle_bandwidth", &ipc.unpickle_bandwidth},
                            {"pickle_large_bandwidth", &ipc.pickle_large_bandwidth},
                            {"unpickle_large_bandwidth", &ipc.unpickle_large_bandwidth},
                            {"pipe_write_bandwidth", &ipc.pipe_write_bandwidth},
                            {"pipe_read_bandwidth", &ipc.pipe_read_bandwidth}})
    if (auto n = map.get(key); n.IsDefined()) *field = values.number(n, map.path_of(key), 1e3, 1e13);
  read_durations(values, map, {{"pickle_per_object", &ipc.pickle_per_object},
                               {"unpickle_per_object", &ipc.unpickle_per_object},
                               {"queue_op", &ipc.queue_op},
                               {"pickle_call", &ipc.pickle_call},
                               {"unpickle_call", &ipc.unpickle_call},
                               {"send_call", &ipc.send_call},
                               {"recv_call", &ipc.recv_call},
                               {"write_syscall", &ipc.write_syscall},
                               {"read_syscall", &ipc.read_syscall},
                               {"mp_queue_put", &ipc.mp_queue_put},
                               {"mp_queue_get", &ipc.mp_queue_get}});
  if (auto n = map.get("pickle_cache_size"); n.IsDefined())
    ipc.pickle_cache_size = values.size(n, map.path_of("pickle_cache_size"), 0, limits::kMaxPipeBuffer, "from 0B to 1GiB");
  if (auto n = map.get("pipe_wakeup"); n.IsDefined()) ipc.pipe_wakeup = read_wakeup(values, n, map.path_of("pipe_wakeup"));
  if (auto n = map.get("socket_wakeup"); n.IsDefined())
    ipc.socket_wakeup = read_wakeup(values, n, map.path_of("socket_wakeup"));
  if (auto n = map.get("pipe_buffer"); n.IsDefined())
    ipc.pipe_buffer = values.size(n, map.path_of("pipe_buffer"), limits::kMinPipeBuffer, limits::kMaxPipeBuffer,
                                  "from 4KiB (one page, the smallest pipe capacity: pipe(7)) to 1GiB");
  for (auto [key, socket] : {std::pair<const char*, SocketCosts*>{"unix_socket", &ipc.unix_socket},
                             {"tcp_socket", &ipc.tcp_socket}})
    if (auto n = map.get(key); n.IsDefined()) read_socket(values, n, map.path_of(key), *socket);
  if (auto n = map.get("pickle_overhead"); n.IsDefined())
    ipc.pickle_overhead = values.size(n, map.path_of("pickle_overhead"), 0, limits::kMaxPickleOverhead, "from 0B to 1MiB");
  map.reject_unknown_keys();
}

}  // namespace

RuntimeConfig read_runtime(const ValueReader& values, const YAML::Node& node, const HostDefaults& host) {
  RuntimeConfig runtime;
  runtime.gil = host.gil;
  runtime.processes = host.processes;
  runtime.ipc = host.ipc;
  runtime.asyncio = host.asyncio;
  runtime.process_pool = host.process_pool;
  runtime.locks = host.locks;
  runtime.semaphores = host.semaphores;
  runtime.python = host.python;
  runtime.free_threaded_slowdown = runtime.python.free_threaded_slowdown();
  runtime.mp_pool = host.mp_pool;
  if (!node.IsDefined()) return runtime;
  MapReader map(values.source, node, "runtime");
  GilConfig& gil = runtime.gil;
  if (auto n = map.get("switch_interval"); n.IsDefined())
    gil.switch_interval = values.duration(n, "runtime.switch_interval");
  if (auto n = map.get("seed"); n.IsDefined()) runtime.seed = values.seed(n, "runtime.seed");
  const YAML::Node python = map.get("python");
  if (python.IsDefined()) {
    const std::string text = values.string(python, "runtime.python");
    const auto version = PythonVersion::parse(text);
    if (!version)
      values.source.fail(python, "runtime.python", "unknown Python version '" + text + "'; expected one of " +
                                                       PythonVersion::known());
    runtime.python = *version;
    if (version->free_threaded) runtime.build = PythonBuild::FreeThreaded;
  }
  if (auto n = map.get("build"); n.IsDefined()) {
    const std::string build = values.string(n, "runtime.build");
    if (build == "default") runtime.build = PythonBuild::Default;
    else if (build == "free-threaded") runtime.build = PythonBuild::FreeThreaded;
    else values.source.fail(n, "runtime.build", "expected 'default' or 'free-threaded', got '" + build + "'");
    // Given both, they must name the same build.
    if (python.IsDefined() && (runtime.build == PythonBuild::FreeThreaded) != runtime.python.free_threaded)
      values.source.fail(n, "runtime.build",
                         "'" + build + "' contradicts runtime.python '" + runtime.python.name() + "'" +
                             (runtime.python.free_threaded ? " (a free-threaded build)"
                              : runtime.python.minor < 13 ? " (free-threaded builds exist from 3.13)"
                                                          : " (write '" + runtime.python.name() + "t' for its free-threaded build)"));
  }
  runtime.free_threaded_slowdown = runtime.python.free_threaded_slowdown();
  if (auto n = map.get("process_start"); n.IsDefined()) read_process_start(values, n, runtime.processes);
  if (auto n = map.get("process_exit"); n.IsDefined()) {  // every start method at once
    const double exit = values.duration(n, "runtime.process_exit", true);
    runtime.processes.fork.exit = runtime.processes.spawn.exit = runtime.processes.forkserver.exit = exit;
  }
  if (auto n = map.get("main_module"); n.IsDefined())
    read_cost_section(values, n, "runtime.main_module", {{"import", &runtime.processes.main_module_import}});
  if (auto n = map.get("ipc"); n.IsDefined()) read_ipc(values, n, runtime.ipc);
  if (auto n = map.get("asyncio"); n.IsDefined())
    read_cost_section(values, n, "runtime.asyncio",
                      {{"task_step_overhead", &runtime.asyncio.task_step_overhead},
                       {"lock_op", &runtime.asyncio.lock_op},
                       {"queue_op", &runtime.asyncio.queue_op},
                       {"semaphore_op", &runtime.asyncio.semaphore_op}});
  if (auto n = map.get("locks"); n.IsDefined())
    read_cost_section(values, n, "runtime.locks", {{"release_wake", &runtime.locks.release_wake}, {"release_syscall", &runtime.locks.release_syscall}});
  if (auto n = map.get("semaphores"); n.IsDefined())
    read_cost_section(values, n, "runtime.semaphores",
                      {{"acquire", &runtime.semaphores.acquire},
                       {"release", &runtime.semaphores.release},
                       {"wait", &runtime.semaphores.wait}});
  if (auto n = map.get("process_pool"); n.IsDefined())
    read_cost_section(values, n, "runtime.process_pool",
                      {{"submit", &runtime.process_pool.submit}, {"manager_wakeup", &runtime.process_pool.manager_wakeup}});
  if (auto n = map.get("mp_pool"); n.IsDefined())
    read_cost_section(values, n, "runtime.mp_pool",
                      {{"task_handler", &runtime.mp_pool.task_handler},
                       {"result_handler", &runtime.mp_pool.result_handler},
                       {"worker_task", &runtime.mp_pool.worker_task}});
  if (auto n = map.get("free_threaded_slowdown"); n.IsDefined())
    runtime.free_threaded_slowdown = values.number(n, "runtime.free_threaded_slowdown", 1.0, 10.0);
  if (auto g = map.get("gil"); g.IsDefined()) {
    MapReader gmap(values.source, g, "runtime.gil");
    read_gil_keys(values, gmap, gil);
    gmap.reject_unknown_keys();
  }
  map.reject_unknown_keys();
  return runtime;
}

}  // namespace gilsim
