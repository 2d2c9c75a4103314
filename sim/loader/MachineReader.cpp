#include "sim/loader/MachineReader.hpp"

#include <algorithm>

#include "sim/loader/Limits.hpp"
#include "sim/loader/SchedulerReader.hpp"
#include "sim/loader/YamlDocument.hpp"
#include "sim/util/InputFile.hpp"

namespace gilsim {
namespace {

// Reads machine keys (cores, smt, smt_yield, speed, the scheduler's) of `map` over `machine`.
void read_machine_keys(const ValueReader& values, MapReader& map, MachineConfig& machine) {
  if (auto n = map.get("cores"); n.IsDefined())
    machine.cores = values.integer(n, map.path_of("cores"), 1, limits::kMaxCores);
  if (auto n = map.get("smt"); n.IsDefined())
    machine.smt = values.integer(n, map.path_of("smt"), 1, limits::kMaxSmt);
  if (auto n = map.get("smt_yield"); n.IsDefined()) {
    machine.smt_yield = values.number(n, map.path_of("smt_yield"), 1.0, static_cast<double>(limits::kMaxSmt));
    // k siblings deliver at most k cores' worth; with smt 1 the yield has no effect.
    if (machine.smt > 1 && machine.smt_yield > machine.smt)
      values.source.fail(n, map.path_of("smt_yield"),
                         "expected at most the number of SMT siblings (" + std::to_string(machine.smt) + "), got " + n.Scalar());
  }
  if (auto n = map.get("speed"); n.IsDefined()) machine.speed = values.number(n, map.path_of("speed"), 1e-3, 1e3);
  read_scheduler_keys(values, map, machine);
}

std::string directory_of(const std::string& file) {
  std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

// The calibration measurements that map onto model parameters; the others are informational.
// Process start is measured from Process.start() to the child's first line; the parent's share is
// the start() call (process_start_call) when the profile has it, and the child gets the rest.
void read_calibration(const ValueReader& values, const YAML::Node& node, HostDefaults& host) {
  if (!node.IsMap()) values.source.fail(node, "calibration", "expected a mapping of measurements");
  auto duration = [&](const YAML::Node& map, const std::string& key, const std::string& path, double& out) {
    if (map.IsMap() && map[key].IsDefined()) out = values.duration(map[key], path + "." + key, true);
  };
  if (const YAML::Node start = node["process_start"]; start.IsDefined()) {
    double fork = -1, spawn = -1, server_first = -1, server = -1;
    duration(start, "fork", "calibration.process_start", fork);
    duration(start, "spawn", "calibration.process_start", spawn);
    duration(start, "forkserver_first", "calibration.process_start", server_first);
    duration(start, "forkserver", "calibration.process_start", server);
    // process_start_call (scripts/calibrate_start.py) is the Process.start() call itself: the
    // parent's share. Without it the parent keeps its default share (fork: all of it).
    double fork_call = -1, spawn_call = -1, server_call = -1;
    if (const YAML::Node call = node["process_start_call"]; call.IsDefined()) {
      duration(call, "fork", "calibration.process_start_call", fork_call);
      duration(call, "spawn", "calibration.process_start_call", spawn_call);
      duration(call, "forkserver", "calibration.process_start_call", server_call);
    }
    auto split = [](double total, double call, double default_parent, double exit) {
      const double parent = std::min(call >= 0 ? call : default_parent, total);
      return StartCost{parent, total - parent, exit};
    };
    ProcessCosts& p = host.processes;
    if (fork >= 0) p.fork = split(fork, fork_call, fork, p.fork.exit);
    if (spawn >= 0) p.spawn = split(spawn, spawn_call, p.spawn.parent, p.spawn.exit);
    if (server >= 0) p.forkserver = split(server, server_call, p.forkserver.parent, p.forkserver.exit);
    if (server_first >= 0 && server >= 0) p.forkserver_server = std::max(0.0, server_first - server);
  }
  if (const YAML::Node join = node["process_join"]; join.IsDefined()) {
    duration(join, "fork", "calibration.process_join", host.processes.fork.exit);
    duration(join, "spawn", "calibration.process_join", host.processes.spawn.exit);
    duration(join, "forkserver", "calibration.process_join", host.processes.forkserver.exit);
  }
  auto rate = [&](const char* key, double& out) {
    if (node[key].IsDefined()) out = values.number(node[key], std::string("calibration.") + key, 1e3, 1e13);
  };
  // pickle_bytes_per_s (a 32 MiB list of 64 KiB bytes) is one rate for every size; the per-call
  // measurement's cached and large rates, when the profile has them, make two regimes.
  rate("pickle_bytes_per_s", host.ipc.pickle_bandwidth);
  rate("unpickle_bytes_per_s", host.ipc.unpickle_bandwidth);
  if (node["pickle_bytes_per_s"].IsDefined()) host.ipc.pickle_large_bandwidth = host.ipc.pickle_bandwidth;
  if (node["unpickle_bytes_per_s"].IsDefined()) host.ipc.unpickle_large_bandwidth = host.ipc.unpickle_bandwidth;
  rate("pickle_cached_bytes_per_s", host.ipc.pickle_bandwidth);
  rate("unpickle_cached_bytes_per_s", host.ipc.unpickle_bandwidth);
  rate("pickle_large_bytes_per_s", host.ipc.pickle_large_bandwidth);
  rate("unpickle_large_bytes_per_s", host.ipc.unpickle_large_bandwidth);
  if (node["pickle_cache_bytes"].IsDefined())
    host.ipc.pickle_cache_size = values.number(node["pickle_cache_bytes"], "calibration.pickle_cache_bytes", 0, limits::kMaxPipeBuffer);
  for (auto [key, field] : {std::pair<const char*, double*>{"pickle_call", &host.ipc.pickle_call},
                            {"unpickle_call", &host.ipc.unpickle_call},
                            {"pipe_send_call", &host.ipc.send_call},
                            {"pipe_recv_call", &host.ipc.recv_call},
                            {"pipe_write_syscall", &host.ipc.write_syscall},
                            {"pipe_read_syscall", &host.ipc.read_syscall},
                            {"unix_socket_send", &host.ipc.unix_socket.send},
                            {"unix_socket_recv", &host.ipc.unix_socket.recv},
                            {"tcp_socket_send", &host.ipc.tcp_socket.send},
                            {"tcp_socket_recv", &host.ipc.tcp_socket.recv},
                            {"mp_queue_put", &host.ipc.mp_queue_put},
                            {"mp_queue_get", &host.ipc.mp_queue_get},
                            {"pool_task_handler", &host.mp_pool.task_handler},
                            {"pool_result_handler", &host.mp_pool.result_handler},
                            {"pool_worker_task", &host.mp_pool.worker_task}})
    duration(node, key, "calibration", *field);
  rate("pipe_write_bytes_per_s", host.ipc.pipe_write_bandwidth);
  rate("pipe_read_bytes_per_s", host.ipc.pipe_read_bandwidth);
  if (node["pipe_wakeup"].IsDefined()) host.ipc.pipe_wakeup = read_wakeup(values, node["pipe_wakeup"], "calibration.pipe_wakeup");
  if (node["socket_wakeup"].IsDefined())
    host.ipc.socket_wakeup = read_wakeup(values, node["socket_wakeup"], "calibration.socket_wakeup");
  if (node["pipe_buffer_bytes"].IsDefined())
    host.ipc.pipe_buffer = values.number(node["pipe_buffer_bytes"], "calibration.pipe_buffer_bytes", limits::kMinPipeBuffer, limits::kMaxPipeBuffer);
  if (node["pickle_overhead_bytes"].IsDefined())
    host.ipc.pickle_overhead = values.number(node["pickle_overhead_bytes"], "calibration.pickle_overhead_bytes", 0, limits::kMaxPickleOverhead);
  duration(node, "asyncio_task_step", "calibration", host.asyncio.task_step_overhead);
  duration(node, "asyncio_lock_op", "calibration", host.asyncio.lock_op);
  duration(node, "asyncio_queue_op", "calibration", host.asyncio.queue_op);
  duration(node, "process_pool_submit", "calibration", host.process_pool.submit);
  duration(node, "lock_release_wake", "calibration", host.locks.release_wake);
  duration(node, "lock_release_syscall", "calibration", host.locks.release_syscall);
  duration(node, "semaphore_acquire", "calibration", host.semaphores.acquire);
  duration(node, "semaphore_release", "calibration", host.semaphores.release);
  duration(node, "semaphore_wait", "calibration", host.semaphores.wait);
  duration(node, "asyncio_semaphore_op", "calibration", host.asyncio.semaphore_op);
}

// A machine profile written by `scripts/record.py calibrate`: the host's machine and GIL
// latencies, and measurements that set process and IPC costs (all validated); host facts are
// informational.
void read_profile(const std::string& file, MachineConfig& machine, HostDefaults& host) {
  GilConfig& gil = host.gil;
  YAML::Node root = load_yaml_file(file, "machine profile");
  YamlSource source(file);
  source.set_document(root);
  ValueReader values{source};
  MapReader map(source, root, "");
  map.get("profile");
  // Host facts are informational, except the Python version: runtime.python's default.
  if (const YAML::Node facts = map.get("host"); facts.IsMap())
    if (const YAML::Node release = facts["python_version"]; release.IsDefined() && release.IsScalar())
      if (const auto version = PythonVersion::of_release(release.Scalar())) host.python = *version;
  if (auto c = map.get("calibration"); c.IsDefined()) read_calibration(values, c, host);
  if (auto m = map.get("machine"); m.IsDefined()) {
    MapReader mm(source, m, "machine");
    read_machine_keys(values, mm, machine);
    mm.reject_unknown_keys();
  }
  if (auto g = map.get("gil"); g.IsDefined()) {
    MapReader gm(source, g, "gil");
    read_gil_keys(values, gm, gil);
    gm.reject_unknown_keys();
  }
  map.reject_unknown_keys();
}

}  // namespace

void read_gil_keys(const ValueReader& values, MapReader& map, GilConfig& gil) {
  for (auto [key, field] : {std::pair<const char*, double*>{"timer_slack", &gil.timer_slack},
                            {"drop_latency", &gil.drop_latency},
                            {"wakeup_latency", &gil.wakeup_latency},
                            {"tie_jitter", &gil.tie_jitter}})
    if (auto n = map.get(key); n.IsDefined()) *field = values.duration(n, map.path_of(key), true);
}

MachineConfig read_machine(const ValueReader& values, const YAML::Node& node, HostDefaults& host) {
  MachineConfig machine;
  if (!node.IsDefined()) return machine;
  auto load_profile = [&](const YAML::Node& path_node, const std::string& path) {
    const std::string relative = values.string(path_node, path);
    const bool from_command_line = values.source.where(path_node).rfind("--", 0) == 0;
    const std::string file = relative.rfind('/', 0) == 0 || from_command_line
                                 ? relative
                                 : directory_of(values.source.file()) + relative;
    // A profile that cannot be read is reported where it is named; errors inside it, in it.
    if (const auto problem = unreadable_input(file))
      values.source.fail(path_node, path, "cannot open the machine profile '" + file + "': " + *problem);
    read_profile(file, machine, host);
  };
  if (node.IsScalar()) {
    load_profile(node, "machine");
    return machine;
  }
  MapReader map(values.source, node, "machine");
  if (auto p = map.get("profile"); p.IsDefined()) load_profile(p, "machine.profile");
  read_machine_keys(values, map, machine);
  map.reject_unknown_keys();
  return machine;
}

}  // namespace gilsim
