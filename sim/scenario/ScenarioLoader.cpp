#include "sim/scenario/ScenarioLoader.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "sim/scenario/ExecutionCount.hpp"
#include "sim/scenario/Limits.hpp"
#include "sim/scenario/NodeReader.hpp"
#include "sim/scenario/ProgramReader.hpp"
#include "sim/scenario/ScenarioError.hpp"
#include "sim/scenario/Strategies.hpp"
#include "sim/scenario/YamlGuard.hpp"
#include "sim/util/InputFile.hpp"

namespace gilsim {
namespace {

const std::set<std::string> kVariantSections = {"machine", "runtime", "workload"};
// A pipe holds at least one page: pipe(7) rounds smaller capacities up, and a write of up to
// PIPE_BUF (4096) bytes must fit whole.
constexpr double kMinPipeBuffer = 4096;
constexpr double kMaxPipeBuffer = 1073741824;
constexpr double kMaxPickleOverhead = 1048576;

// Deep-merges `patch` over `base` without copying nodes, so every value keeps its file position.
// Keys are looked up in a hash map: a mapping of n keys merges in O(n), not O(n^2).
YAML::Node merge(const YAML::Node& base, const YAML::Node& patch) {
  if (!base.IsMap() || !patch.IsMap()) return patch;
  std::unordered_map<std::string, YAML::Node> patched;
  for (const auto& p : patch) patched.emplace(p.first.Scalar(), p.second);
  YAML::Node merged(YAML::NodeType::Map);
  std::unordered_set<std::string> in_base;
  for (const auto& entry : base) {
    in_base.insert(entry.first.Scalar());
    const auto p = patched.find(entry.first.Scalar());
    merged.force_insert(entry.first, p == patched.end() ? entry.second : merge(entry.second, p->second));
  }
  for (const auto& p : patch)
    if (!in_base.count(p.first.Scalar())) merged.force_insert(p.first, p.second);
  return merged;
}

struct PathSegment {
  std::string key;
  int index = -1;  // >= 0 when the segment is "key[index]"
};

std::vector<PathSegment> split_path(const Override& o) {
  std::vector<PathSegment> segments;
  std::size_t start = 0;
  while (start <= o.key.size()) {
    std::size_t dot = o.key.find('.', start);
    std::string part = o.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    PathSegment segment;
    std::size_t bracket = part.find('[');
    segment.key = part.substr(0, bracket);
    if (bracket != std::string::npos) {
      std::size_t close = part.find(']', bracket);
      std::string digits = part.substr(bracket + 1, close == std::string::npos ? 0 : close - bracket - 1);
      if (close != part.size() - 1 || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        throw ScenarioError(o.origin, "'" + o.key + "': expected a path such as 'workload.processes[0].count'");
      // No list of a loadable scenario comes near 10^9 items (README "Limits").
      if (digits.size() > 9)
        throw ScenarioError(o.origin, "'" + o.key + "': list index " + digits + " is out of range");
      segment.index = std::stoi(digits);
    }
    if (segment.key.empty())
      throw ScenarioError(o.origin, "'" + o.key + "': expected a path such as 'machine.cores'");
    segments.push_back(segment);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

// Finds the value under `key` in a map, or adds a null entry for it.
YAML::Node child_of(YAML::Node map, const std::string& key, const Override& o) {
  if (!map.IsMap()) throw ScenarioError(o.origin, "'" + o.key + "': '" + key + "' is not inside a mapping");
  for (auto entry : map)
    if (entry.first.Scalar() == key) return entry.second;
  map.force_insert(key, YAML::Node(YAML::NodeType::Map));
  return child_of(map, key, o);
}

void apply_override(YAML::Node root, const Override& o, YamlSource& source) {
  YAML::Node value(YAML::NodeType::Undefined);
  if (o.value.find_first_not_of(" \t") == std::string::npos)
    throw ScenarioError(o.origin, o.key + ": expected a value, got nothing");
  if (const auto problem = check_yaml_structure(o.value, limits::kMaxYamlNodes))
    throw ScenarioError(o.origin, "value '" + o.value + "': " + problem->message);
  try {
    value.reset(YAML::Load(o.value));
  } catch (const YAML::Exception& e) {
    throw ScenarioError(o.origin, "value '" + o.value + "' is not valid YAML: " + e.msg);
  }
  source.register_override(value, o.origin);
  std::vector<PathSegment> segments = split_path(o);
  YAML::Node parent = root;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const PathSegment& s = segments[i];
    const bool last = i + 1 == segments.size();
    if (last && s.index < 0) {
      if (!parent.IsMap() && !parent.IsNull())
        throw ScenarioError(o.origin, "'" + o.key + "': cannot set '" + s.key + "' inside " + describe_node(parent) +
                                          "; expected a path through mappings");
      for (auto entry : parent)
        if (entry.first.Scalar() == s.key) {
          entry.second = value;
          return;
        }
      YAML::Node key(s.key);
      source.register_override(key, o.origin);  // an unknown key is then reported against --set
      parent.force_insert(key, value);
      return;
    }
    YAML::Node node = child_of(parent, s.key, o);
    if (s.index >= 0) {
      if (!node.IsSequence() || static_cast<std::size_t>(s.index) >= node.size())
        throw ScenarioError(o.origin, "'" + o.key + "': " + s.key + "[" + std::to_string(s.index) +
                                          "] does not exist (the list has " +
                                          std::to_string(node.IsSequence() ? node.size() : 0) + " items)");
      if (last) {
        node[s.index] = value;
        return;
      }
      node.reset(node[s.index]);  // reset() rebinds; operator= would overwrite the node's data
    }
    parent.reset(node);
  }
}

YAML::Node load_file(const std::string& file, const char* what);
YAML::Node load_text(const std::string& file, const std::string& text);

// Reads machine keys (cores, smt, smt_yield, speed) of `map` over `machine`.
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
}

// Reads GIL latency keys of `map` over `gil`.
void read_gil_keys(const ValueReader& values, MapReader& map, GilConfig& gil) {
  for (auto [key, field] : {std::pair<const char*, double*>{"timer_slack", &gil.timer_slack},
                            {"drop_latency", &gil.drop_latency},
                            {"wakeup_latency", &gil.wakeup_latency},
                            {"tie_jitter", &gil.tie_jitter}})
    if (auto n = map.get(key); n.IsDefined()) *field = values.duration(n, map.path_of(key), true);
}

std::string directory_of(const std::string& file) {
  std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

// Host-specific defaults a machine profile supplies to the runtime section.
struct HostDefaults {
  GilConfig gil;
  ProcessCosts processes;
  IpcConfig ipc;
  AsyncioConfig asyncio;
  ProcessPoolConfig process_pool;
};

// A wake-up latency: one duration, or a mapping from blocked time to latency such as
// {100us: 12us, 1ms: 45us, 10ms: 120us}, in increasing blocked time (WakeupCurve).
WakeupCurve read_wakeup(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return WakeupCurve(values.duration(node, path, true));
  if (!node.IsMap() || node.size() == 0)
    values.source.fail(node, path, "expected a duration such as '45us', or a mapping from blocked time to latency such "
                                   "as {100us: 12us, 1ms: 45us}, got " + describe_node(node));
  std::vector<std::pair<double, double>> points;
  for (const auto& entry : node) {
    const double blocked = values.duration(entry.first, path, false);
    if (!points.empty() && blocked <= points.back().first)
      values.source.fail(entry.first, path, "expected blocked times in increasing order, got '" +
                                                entry.first.Scalar() + "' after a longer or equal one");
    points.emplace_back(blocked, values.duration(entry.second, path + "." + entry.first.Scalar(), true));
  }
  return WakeupCurve(std::move(points));
}

// The calibration measurements that map onto model parameters; the others are informational.
// Process start is measured from Process.start() to the child's first line: the parent's share
// keeps its default (it cannot be separated from Python) and the child gets the rest.
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
    ProcessCosts& p = host.processes;
    if (fork >= 0) p.fork = {fork, 0, p.fork.exit};
    if (spawn >= 0) p.spawn = {std::min(p.spawn.parent, spawn), spawn - std::min(p.spawn.parent, spawn), p.spawn.exit};
    if (server >= 0)
      p.forkserver = {std::min(p.forkserver.parent, server), server - std::min(p.forkserver.parent, server), p.forkserver.exit};
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
  rate("pickle_bytes_per_s", host.ipc.pickle_bandwidth);
  rate("unpickle_bytes_per_s", host.ipc.unpickle_bandwidth);
  rate("pipe_write_bytes_per_s", host.ipc.pipe_write_bandwidth);
  rate("pipe_read_bytes_per_s", host.ipc.pipe_read_bandwidth);
  if (node["pipe_wakeup"].IsDefined()) host.ipc.pipe_wakeup = read_wakeup(values, node["pipe_wakeup"], "calibration.pipe_wakeup");
  if (node["pipe_buffer_bytes"].IsDefined())
    host.ipc.pipe_buffer = values.number(node["pipe_buffer_bytes"], "calibration.pipe_buffer_bytes", kMinPipeBuffer, kMaxPipeBuffer);
  if (node["pickle_overhead_bytes"].IsDefined())
    host.ipc.pickle_overhead = values.number(node["pickle_overhead_bytes"], "calibration.pickle_overhead_bytes", 0, kMaxPickleOverhead);
  duration(node, "asyncio_task_step", "calibration", host.asyncio.task_step_overhead);
  duration(node, "asyncio_lock_op", "calibration", host.asyncio.lock_op);
  duration(node, "asyncio_queue_op", "calibration", host.asyncio.queue_op);
  duration(node, "process_pool_submit", "calibration", host.process_pool.submit);
}

// A machine profile written by `scripts/record.py calibrate`: the host's machine and GIL
// latencies, and measurements that set process and IPC costs (all validated); host facts are
// informational.
void read_profile(const std::string& file, MachineConfig& machine, HostDefaults& host) {
  GilConfig& gil = host.gil;
  YAML::Node root = load_file(file, "machine profile");
  YamlSource source(file);
  source.set_document(root);
  ValueReader values{source};
  MapReader map(source, root, "");
  map.get("profile");
  map.get("host");
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

// `machine:` is a mapping, a profile path, or a mapping with `profile:` whose keys override it.
// A profile path in the file is relative to the scenario file; one given with --set, to the
// working directory. The profile's GIL latencies become the defaults of runtime.gil.
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

// runtime.ipc: bandwidths in bytes per second (numbers), sizes with units, costs as durations.
void read_ipc(const ValueReader& values, const YAML::Node& node, IpcConfig& ipc) {
  MapReader map(values.source, node, "runtime.ipc");
  for (auto [key, field] : {std::pair<const char*, double*>{"pickle_bandwidth", &ipc.pickle_bandwidth},
                            {"unpickle_bandwidth", &ipc.unpickle_bandwidth},
                            {"pipe_write_bandwidth", &ipc.pipe_write_bandwidth},
                            {"pipe_read_bandwidth", &ipc.pipe_read_bandwidth}})
    if (auto n = map.get(key); n.IsDefined()) *field = values.number(n, map.path_of(key), 1e3, 1e13);
  read_durations(values, map, {{"pickle_per_object", &ipc.pickle_per_object},
                               {"unpickle_per_object", &ipc.unpickle_per_object},
                               {"queue_op", &ipc.queue_op}});
  if (auto n = map.get("pipe_wakeup"); n.IsDefined()) ipc.pipe_wakeup = read_wakeup(values, n, map.path_of("pipe_wakeup"));
  if (auto n = map.get("pipe_buffer"); n.IsDefined())
    ipc.pipe_buffer = values.size(n, map.path_of("pipe_buffer"), kMinPipeBuffer, kMaxPipeBuffer,
                                  "from 4KiB (one page, the smallest pipe capacity: pipe(7)) to 1GiB");
  if (auto n = map.get("pickle_overhead"); n.IsDefined())
    ipc.pickle_overhead = values.size(n, map.path_of("pickle_overhead"), 0, kMaxPickleOverhead, "from 0B to 1MiB");
  map.reject_unknown_keys();
}

RuntimeConfig read_runtime(const ValueReader& values, const YAML::Node& node, const HostDefaults& host) {
  RuntimeConfig runtime;
  runtime.gil = host.gil;
  runtime.processes = host.processes;
  runtime.ipc = host.ipc;
  runtime.asyncio = host.asyncio;
  runtime.process_pool = host.process_pool;
  if (!node.IsDefined()) return runtime;
  MapReader map(values.source, node, "runtime");
  GilConfig& gil = runtime.gil;
  if (auto n = map.get("switch_interval"); n.IsDefined())
    gil.switch_interval = values.duration(n, "runtime.switch_interval");
  if (auto n = map.get("seed"); n.IsDefined()) runtime.seed = values.seed(n, "runtime.seed");
  if (auto n = map.get("build"); n.IsDefined()) {
    const std::string build = values.string(n, "runtime.build");
    if (build == "default") runtime.build = PythonBuild::Default;
    else if (build == "free-threaded") runtime.build = PythonBuild::FreeThreaded;
    else values.source.fail(n, "runtime.build", "expected 'default' or 'free-threaded', got '" + build + "'");
  }
  if (auto n = map.get("process_start"); n.IsDefined()) read_process_start(values, n, runtime.processes);
  if (auto n = map.get("process_exit"); n.IsDefined()) {  // every start method at once
    const double exit = values.duration(n, "runtime.process_exit", true);
    runtime.processes.fork.exit = runtime.processes.spawn.exit = runtime.processes.forkserver.exit = exit;
  }
  if (auto n = map.get("ipc"); n.IsDefined()) read_ipc(values, n, runtime.ipc);
  if (auto n = map.get("asyncio"); n.IsDefined())
    read_cost_section(values, n, "runtime.asyncio",
                      {{"task_step_overhead", &runtime.asyncio.task_step_overhead},
                       {"lock_op", &runtime.asyncio.lock_op},
                       {"queue_op", &runtime.asyncio.queue_op}});
  if (auto n = map.get("process_pool"); n.IsDefined())
    read_cost_section(values, n, "runtime.process_pool",
                      {{"submit", &runtime.process_pool.submit}, {"manager_wakeup", &runtime.process_pool.manager_wakeup}});
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

ThreadSpec read_thread(const ValueReader& values, const std::vector<ChannelSpec>& channels, const YAML::Node& node,
                       const std::string& path, std::size_t index) {
  MapReader map(values.source, node, path);
  ThreadSpec thread;
  thread.name = "t" + std::to_string(index);
  if (auto n = map.get("name"); n.IsDefined()) thread.name = values.string(n, map.path_of("name"));
  if (auto n = map.get("count"); n.IsDefined())
    thread.count = values.integer(n, map.path_of("count"), 1, limits::kMaxThreads,
                                  "limit: " + std::to_string(limits::kMaxThreads) + " threads");
  if (auto n = map.get("interpreter"); n.IsDefined()) {
    thread.interpreter = values.string(n, map.path_of("interpreter"));
    if (thread.interpreter.empty()) values.source.fail(n, map.path_of("interpreter"), "expected an interpreter name");
  }
  thread.program = read_thread_program(values, channels, map.require("program"), map.path_of("program"));
  map.reject_unknown_keys();
  return thread;
}

ProcessSpec read_process(const ValueReader& values, const std::vector<ChannelSpec>& channels, const YAML::Node& node,
                         const std::string& path, std::size_t index) {
  MapReader map(values.source, node, path);
  ProcessSpec process;
  process.name = "p" + std::to_string(index);
  if (auto n = map.get("name"); n.IsDefined()) process.name = values.string(n, map.path_of("name"));
  if (auto n = map.get("count"); n.IsDefined())
    process.count = values.integer(n, map.path_of("count"), 1, limits::kMaxProcesses,
                                   "limit: " + std::to_string(limits::kMaxProcesses) + " processes");
  if (auto n = map.get("start_method"); n.IsDefined())
    process.start_method = read_start_method(values, n, map.path_of("start_method"));
  YAML::Node threads = map.require("threads");
  values.expect_sequence(threads, map.path_of("threads"));
  if (threads.size() == 0) values.source.fail(threads, map.path_of("threads"), "expected at least one thread");
  for (std::size_t i = 0; i < threads.size(); ++i)
    process.threads.push_back(
        read_thread(values, channels, threads[i], map.path_of("threads") + "[" + std::to_string(i) + "]", i));
  map.reject_unknown_keys();
  return process;
}

std::vector<ChannelSpec> read_channels(const ValueReader& values, const YAML::Node& node) {
  std::vector<ChannelSpec> channels;
  if (!node.IsDefined()) return channels;
  values.expect_sequence(node, "workload.channels");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "workload.channels[" + std::to_string(i) + "]";
    MapReader map(values.source, node[i], path);
    ChannelSpec channel;
    YAML::Node name = map.require("name");
    channel.name = values.string(name, map.path_of("name"));
    for (const ChannelSpec& c : channels)
      if (c.name == channel.name) values.source.fail(name, map.path_of("name"), "duplicate channel name '" + c.name + "'");
    YAML::Node kind = map.require("kind");
    const std::string text = values.string(kind, map.path_of("kind"));
    bool known = false;
    for (ChannelKind k : {ChannelKind::Queue, ChannelKind::Pipe, ChannelKind::MpQueue, ChannelKind::InterpreterQueue})
      if (text == channel_kind_name(k)) {
        channel.kind = k;
        known = true;
      }
    if (!known)
      values.source.fail(kind, map.path_of("kind"),
                         "expected one of queue (queue.Queue), pipe (multiprocessing.Pipe), mp_queue "
                         "(multiprocessing.Queue), interpreter_queue, got '" + text + "'");
    map.reject_unknown_keys();
    channels.push_back(channel);
  }
  return channels;
}

std::vector<ProcessSpec> read_workload(const ValueReader& values, const YAML::Node& node,
                                       const std::vector<ChannelSpec>& channels) {
  MapReader map(values.source, node, "workload");
  map.get("channels");  // read first by read_scenario: programs refer to them
  YAML::Node list = map.require("processes");
  values.expect_sequence(list, "workload.processes");
  if (list.size() == 0) values.source.fail(list, "workload.processes", "expected at least one process");
  std::vector<ProcessSpec> processes;
  double threads = 0, processes_total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    processes.push_back(read_process(values, channels, list[i], "workload.processes[" + std::to_string(i) + "]", i));
    const ProcessSpec& p = processes.back();
    processes_total += static_cast<double>(p.count);
    for (const ThreadSpec& t : p.threads) threads += static_cast<double>(p.count) * static_cast<double>(t.count);
  }
  map.reject_unknown_keys();
  auto refuse = [&](double have, double limit, const std::string& what) {
    if (have > limit)
      values.source.fail(node, "workload",
                         format_count(have) + " " + what + " is more than the limit of " + format_count(limit));
  };
  refuse(processes_total, static_cast<double>(limits::kMaxProcesses), "processes in total");
  refuse(threads, static_cast<double>(limits::kMaxThreads), "threads in total");
  const ExecutionBound executions = count_workload_executions(processes);
  if (!executions.cycle.empty())
    values.source.fail(node, "workload",
                       "consume loops put messages back into channel '" + executions.cycle +
                           "', which they consume from: the messages could circulate forever");
  if (executions.steps > limits::kMaxStepExecutions)
    values.source.fail(node, "workload",
                       "the programs execute " + format_count(executions.steps) +
                           " steps in total, more than the limit of 10000000 (reduce repeat counts or messages)");
  return processes;
}

// One scenario, or one per strategy when the file describes a batch.
std::vector<Scenario> read_scenario(const YamlSource& source, const YAML::Node& root, const std::string& variant) {
  ValueReader values{source};
  MapReader map(source, root, "");
  Scenario scenario;
  scenario.file = source.file();
  scenario.variant = variant;
  if (auto n = map.get("name"); n.IsDefined()) scenario.name = values.string(n, "name");
  if (auto n = map.get("description"); n.IsDefined()) scenario.description = values.text(n, "description");
  map.get("variants");  // handled by load_scenarios
  HostDefaults host;
  scenario.machine = read_machine(values, map.get("machine"), host);
  scenario.runtime = read_runtime(values, map.get("runtime"), host);
  if (scenario.name.empty()) {
    std::string base = source.file().substr(source.file().find_last_of('/') + 1);
    scenario.name = base.substr(0, base.find('.'));
  }
  YAML::Node batch = map.get("batch");
  YAML::Node strategies = map.get("strategies");
  if (batch.IsDefined()) {
    if (map.get("workload").IsDefined())
      source.fail(map.get("workload"), "workload", "give either a workload or a batch with strategies, not both");
    if (!strategies.IsDefined()) source.fail(batch, "batch", "a batch needs a list of strategies to compare");
    map.reject_unknown_keys();
    const BatchSpec spec = read_batch(values, batch, {});
    if (static_cast<double>(spec.tasks) * count_step_executions(spec.program) > limits::kMaxStepExecutions)
      source.fail(batch, "batch", "the tasks execute more than 10000000 steps in total (reduce batch.tasks)");
    std::vector<Scenario> expanded;
    for (const StrategySpec& strategy : read_strategies(values, strategies, spec))
      expanded.push_back(expand_strategy(scenario, spec, strategy));
    return expanded;
  }
  if (strategies.IsDefined()) source.fail(strategies, "strategies", "strategies compare a batch: add a 'batch' section");
  YAML::Node workload = map.require("workload");
  // Through a const reference: operator[] on a non-const node would insert the key.
  const YAML::Node& const_workload = workload;
  if (workload.IsMap()) scenario.channels = read_channels(values, const_workload["channels"]);
  scenario.processes = read_workload(values, workload, scenario.channels);
  map.reject_unknown_keys();
  return {scenario};
}

YAML::Node load_file(const std::string& file, const char* what) {
  return load_text(file, read_input_file(file, {what, limits::kMaxScenarioBytes}));
}

YAML::Node load_text(const std::string& file, const std::string& text) {
  if (const auto problem = check_yaml_structure(text, limits::kMaxYamlNodes))
    throw ScenarioError(file + ":" + std::to_string(problem->mark.line + 1) + ":" + std::to_string(problem->mark.column + 1),
                        problem->message);
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) {
      YamlSource source(file);
      source.fail(root, "", "expected a scenario: a mapping with keys name, machine, runtime, workload, variants; got " +
                                describe_node(root));
    }
    return root;
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                        "not valid YAML: " + e.msg);
  }
}

}  // namespace

Override parse_override(const std::string& text) {
  std::size_t eq = text.find('=');
  std::string origin = "--set " + text;
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw ScenarioError(origin, "expected key=value, such as 'machine.cores=16'");
  return {text.substr(0, eq), text.substr(eq + 1), origin};
}

std::vector<Scenario> load_scenarios(const std::string& file, const std::vector<Override>& overrides) {
  return load_scenarios_text(file, read_input_file(file, {"scenario file", limits::kMaxScenarioBytes}), overrides);
}

std::vector<Scenario> load_scenarios_text(const std::string& file, const std::string& text,
                                          const std::vector<Override>& overrides) {
  // The variants are split off before overrides apply, so an override of them would be ignored.
  for (const Override& o : overrides)
    if (o.key == "variants" || o.key.rfind("variants.", 0) == 0 || o.key.rfind("variants[", 0) == 0)
      throw ScenarioError(o.origin, "'" + o.key + "': variants cannot be set from the command line; choose them "
                                    "with --variant NAME, or add one to the file");
  YAML::Node root = load_text(file, text);
  YamlSource source(file);
  source.set_document(root);
  ValueReader values{source};

  YAML::Node base(YAML::NodeType::Map);
  YAML::Node variants(YAML::NodeType::Undefined);
  for (const auto& entry : root) {
    if (entry.first.Scalar() == "variants") variants.reset(entry.second);
    else base.force_insert(entry.first, entry.second);
  }

  std::vector<std::pair<std::string, YAML::Node>> trees;
  if (variants.IsDefined())
    for (const auto& entry : root)
      if (entry.first.Scalar() == "batch")
        source.fail(entry.first, "batch", "a batch makes one variant per strategy; it cannot be combined with variants");
  if (!variants.IsDefined()) {
    trees.push_back({"", base});
  } else {
    values.expect_sequence(variants, "variants");
    if (variants.size() == 0) source.fail(variants, "variants", "expected at least one variant");
    if (variants.size() > static_cast<std::size_t>(limits::kMaxVariants))
      source.fail(variants, "variants", "more than " + std::to_string(limits::kMaxVariants) + " variants");
    std::set<std::string> names;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      std::string path = "variants[" + std::to_string(i) + "]";
      MapReader map(source, variants[i], path);
      YAML::Node name_node = map.require("name");
      std::string name = values.string(name_node, path + ".name");
      if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
        source.fail(name_node, path + ".name",
                    "expected a name of letters, digits, '-', '_' and '.' (it names output files), got '" + name + "'");
      if (!names.insert(name).second) source.fail(name_node, path + ".name", "duplicate variant name '" + name + "'");
      map.get("description");
      YAML::Node patch(YAML::NodeType::Map);
      for (const auto& section : kVariantSections)
        if (auto n = map.get(section); n.IsDefined()) patch.force_insert(section, n);
      map.reject_unknown_keys();
      trees.push_back({name, merge(base, patch)});
    }
  }

  std::vector<Scenario> scenarios;
  for (auto& [variant, tree] : trees) {
    for (const Override& o : overrides) apply_override(tree, o, source);
    for (Scenario& s : read_scenario(source, tree, variant)) scenarios.push_back(std::move(s));
  }
  return scenarios;
}

}  // namespace gilsim
