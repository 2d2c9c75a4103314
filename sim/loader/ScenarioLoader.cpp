#include "sim/loader/ScenarioLoader.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "models/steps/StepTree.hpp"
#include "sim/loader/ExecutionCount.hpp"
#include "sim/loader/Limits.hpp"
#include "sim/loader/MachineReader.hpp"
#include "sim/loader/NodeReader.hpp"
#include "sim/loader/OverrideApply.hpp"
#include "sim/loader/ProgramReader.hpp"
#include "sim/loader/RequestReader.hpp"
#include "sim/loader/RuntimeReader.hpp"
#include "sim/loader/SchedulerReader.hpp"
#include "sim/loader/SemaphoreReader.hpp"
#include "sim/loader/Strategies.hpp"
#include "sim/loader/WakeupReader.hpp"
#include "sim/loader/YamlDocument.hpp"
#include "sim/util/InputFile.hpp"
#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

const std::set<std::string> kVariantSections = {"machine", "runtime", "workload"};

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


// os.sched_setaffinity() of a process or thread: a CPU set within `within` (the CPUs its parent
// may use; empty: every CPU), or it could never run.
std::vector<int> read_affinity(const ValueReader& values, MapReader& map, const MachineConfig& machine,
                               const std::vector<int>& within, const std::string& within_name) {
  YAML::Node n = map.get("affinity");
  if (!n.IsDefined()) return {};
  std::vector<int> affinity = read_cpu_set(values, n, map.path_of("affinity"), machine.logical_cpus());
  if (within.empty()) return affinity;
  for (int cpu : affinity)
    if (std::find(within.begin(), within.end(), cpu) != within.end()) return affinity;
  std::string list;
  for (int cpu : within) list += (list.empty() ? "" : ", ") + std::to_string(cpu);
  values.source.fail(n, map.path_of("affinity"), "shares no CPU with " + within_name + " [" + list + "]: it could never run");
}

// The CPUs of `a` that are in `b` too (either empty: the other).
std::vector<int> intersect_cpus(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  std::vector<int> both;
  for (int cpu : a)
    if (std::find(b.begin(), b.end(), cpu) != b.end()) both.push_back(cpu);
  return both;
}

// What thread programs may refer to: workload.channels, workload.requests and workload.semaphores.
struct Declared {
  const std::vector<ChannelSpec>& channels;
  const std::vector<RequestSpec>& requests;
  const std::vector<SemaphoreSpec>& semaphores;
};

ThreadSpec read_thread(const ValueReader& values, const Declared& declared, const YAML::Node& node,
                       const std::string& path, std::size_t index, const MachineConfig& machine,
                       const std::vector<int>& process_cpus) {
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
  thread.affinity = read_affinity(values, map, machine, process_cpus, "its process's CPUs");
  thread.program =
      read_thread_program(values, declared.channels, map.require("program"), map.path_of("program"), declared.requests,
                          declared.semaphores);
  map.reject_unknown_keys();
  return thread;
}

ProcessSpec read_process(const ValueReader& values, const Declared& declared, const YAML::Node& node,
                         const std::string& path, std::size_t index, const MachineConfig& machine) {
  MapReader map(values.source, node, path);
  ProcessSpec process;
  process.name = "p" + std::to_string(index);
  if (auto n = map.get("name"); n.IsDefined()) process.name = values.string(n, map.path_of("name"));
  if (auto n = map.get("count"); n.IsDefined())
    process.count = values.integer(n, map.path_of("count"), 1, limits::kMaxProcesses,
                                   "limit: " + std::to_string(limits::kMaxProcesses) + " processes");
  if (auto n = map.get("start_method"); n.IsDefined())
    process.start_method = read_start_method(values, n, map.path_of("start_method"));
  process.affinity = read_affinity(values, map, machine, machine.cpus, "machine.cpus");
  const std::vector<int> process_cpus = intersect_cpus(process.affinity, machine.cpus);
  YAML::Node threads = map.require("threads");
  values.expect_sequence(threads, map.path_of("threads"));
  if (threads.size() == 0) values.source.fail(threads, map.path_of("threads"), "expected at least one thread");
  for (std::size_t i = 0; i < threads.size(); ++i)
    process.threads.push_back(
        read_thread(values, declared, threads[i], map.path_of("threads") + "[" + std::to_string(i) + "]", i, machine,
                    process_cpus));
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
    for (ChannelKind k : kChannelKinds)
      if (text == channel_kind_name(k)) {
        channel.kind = k;
        known = true;
      }
    if (!known)
      values.source.fail(kind, map.path_of("kind"),
                         "expected one of queue (queue.Queue), pipe (multiprocessing.Pipe), mp_queue "
                         "(multiprocessing.Queue), interpreter_queue, unix_socket (socket.socketpair()), tcp_socket (a "
                         "loopback TCP connection), got '" + text + "'");
    map.reject_unknown_keys();
    channels.push_back(channel);
  }
  return channels;
}

std::vector<ProcessSpec> read_workload(const ValueReader& values, const YAML::Node& node, const Declared& declared,
                                       const MachineConfig& machine) {
  MapReader map(values.source, node, "workload");
  map.get("channels");  // read first by read_scenario: programs refer to them
  const YAML::Node requests = map.get("requests");  // the same
  map.get("semaphores");                            // the same
  YAML::Node list = map.require("processes");
  values.expect_sequence(list, "workload.processes");
  if (list.size() == 0) values.source.fail(list, "workload.processes", "expected at least one process");
  std::vector<ProcessSpec> processes;
  double threads = 0, processes_total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    processes.push_back(
        read_process(values, declared, list[i], "workload.processes[" + std::to_string(i) + "]", i, machine));
    const ProcessSpec& p = processes.back();
    processes_total += static_cast<double>(p.count);
    for (const ThreadSpec& t : p.threads) threads += static_cast<double>(p.count) * static_cast<double>(t.count);
  }
  map.reject_unknown_keys();
  check_request_servers(values, requests, declared.requests, processes);
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
  // Process pools and strategies that name no start method use the version's default.
  values.default_start_method = scenario.runtime.python.default_start_method();
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
    scenario.workload_where = source.where(batch);
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
  scenario.workload_where = source.where(workload);
  // Through a const reference: operator[] on a non-const node would insert the key.
  const YAML::Node& const_workload = workload;
  if (workload.IsMap()) {
    scenario.channels = read_channels(values, const_workload["channels"]);
    scenario.requests = read_requests(values, const_workload["requests"]);
    scenario.semaphores =
        read_semaphore_specs(values, const_workload["semaphores"], "workload.semaphores", "threading.Semaphore");
  }
  scenario.processes =
      read_workload(values, workload, {scenario.channels, scenario.requests, scenario.semaphores}, scenario.machine);
  map.reject_unknown_keys();
  return {scenario};
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
  YAML::Node root = load_yaml_text(file, text);
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
