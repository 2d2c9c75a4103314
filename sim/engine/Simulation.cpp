#include "sim/engine/Simulation.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include <simgrid/s4u.hpp>

#include "models/machine/Machine.hpp"
#include "models/python/FastGil.hpp"
#include "models/python/NoGil.hpp"
#include "models/python/ReferenceGil.hpp"
#include "models/runtime/PythonThread.hpp"
#include "models/runtime/PythonWorld.hpp"
#include "models/steps/StepTree.hpp"
#include "sim/scenario/WorkloadLayout.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

// Fills the timeline's process and thread tables from the layout.
void describe_instances(const WorkloadLayout& layout, Timeline& timeline) {
  for (const ProcessInstance& process : layout.processes()) timeline.processes.push_back({process.name});
  for (const ThreadInstance& thread : layout.threads()) {
    ThreadInfo info;
    info.process = thread.process;
    info.name = thread.name;
    info.group = thread.group;
    describe_steps(thread.spec->program, info.step_labels, info.step_kinds);
    timeline.threads.push_back(std::move(info));
  }
  const std::size_t threads = timeline.threads.size();
  timeline.gil_switches_in.assign(threads, 0);
  timeline.solo_seconds.assign(threads, 0);
  timeline.finish_time.assign(threads, 0);
  timeline.process_gil_switches.assign(timeline.processes.size(), 0);
  timeline.prepare_totals();
}

// Threads still blocked when the engine runs out of events can never finish.
void report_deadlock(const std::vector<std::unique_ptr<PythonThread>>& threads, const Timeline& timeline) {
  std::string blocked;
  int count = 0;
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (threads[i]->finished()) continue;
    if (count++ < 8) {
      const ThreadInfo& info = timeline.threads[i];
      blocked += "\n  " + timeline.processes[info.process].name + "/" + info.name + ": waiting for " +
                 (threads[i]->blocked_on().empty() ? std::string("the GIL") : threads[i]->blocked_on());
    }
  }
  if (count > 8) blocked += "\n  ... and " + std::to_string(count - 8) + " more";
  if (count > 0)
    throw std::runtime_error("deadlock: " + std::to_string(count) + " thread(s) can never finish:" + blocked);
}

// Every channel with the number of threads that put to it, so it knows when it is closed.
void create_channels(const Scenario& scenario, const WorkloadLayout& layout, PythonWorld& world) {
  std::map<std::string, int> shared_writers;
  std::map<std::pair<int, std::string>, int> local_writers, feeder_writers;
  auto kind_of = [&](const std::string& name) {
    for (const ChannelSpec& c : scenario.channels)
      if (c.name == name) return c.kind;
    return ChannelKind::Queue;
  };
  for (const ThreadInstance& thread : layout.threads()) {
    const auto* feeder = thread.spec->program.empty() ? nullptr : std::get_if<FeederStep>(&thread.spec->program[0].action);
    if (feeder && feeder->pool_owner >= 0) continue;  // a process pool's call queue: the pool's own
    if (feeder) {
      ++shared_writers[feeder->channel];
      continue;
    }
    for (const std::string& name : WorkloadLayout::channels_put_by(thread.spec->program)) {
      const ChannelKind kind = kind_of(name);
      if (kind == ChannelKind::MpQueue)
        ++feeder_writers[{thread.process, name}];
      else if (is_shared(kind))
        ++shared_writers[name];
      else
        ++local_writers[{thread.process, name}];
    }
  }
  for (const ChannelSpec& c : scenario.channels) {
    if (is_shared(c.kind)) {
      world.pipes[c.name] = std::make_unique<Pipe>(c.name, c.kind, shared_writers[c.name], scenario.runtime.ipc);
      continue;
    }
    for (std::size_t p = 0; p < layout.processes().size(); ++p)
      world.local_channels[{static_cast<int>(p), c.name}] =
          std::make_unique<Channel>(c.name, c.kind, local_writers[{static_cast<int>(p), c.name}]);
  }
  for (const auto& [key, writers] : feeder_writers)
    world.feeder_buffers[key] = std::make_unique<Channel>(key.second, ChannelKind::Queue, writers);
}

std::unique_ptr<Gil> make_gil(const Scenario& scenario, int process, uint64_t stream, Machine& machine,
                              Timeline& timeline) {
  const GilConfig& config = scenario.runtime.gil;
  const uint64_t seed = scenario.runtime.seed;
  if (scenario.runtime.build == PythonBuild::FreeThreaded)
    return std::make_unique<NoGil>(process, stream, config, seed, machine, timeline);
  if (scenario.gil_model == GilModel::Reference ||
      (scenario.gil_model == GilModel::Auto && scenario.machine.scheduler.policy == SchedulerPolicy::Eevdf))
    return std::make_unique<ReferenceGil>(process, stream, config, seed, machine, timeline);
  return std::make_unique<FastGil>(process, stream, config, seed, machine, timeline);
}

// Everything a running simulation refers to, destroyed in the reverse order of the members, as
// locals would be. After an error it is left alive: killing an actor that is still blocked (as
// SimGrid does to every actor on a deadlock, and as destroying the engine does) unwinds it, and
// with the thread context factory (the one ASan supports) an actor unwinding through a lock's
// destructor issues a simcall that never returns: gilsim hung instead of reporting a deadlock.
// So a deadlock is reported from SimGrid's on_deadlock signal, before the kills, and nothing is
// destroyed after an error: simulations run in a child process of their own (IsolatedRun),
// which exits without running destructors.
struct LiveSimulation {
  std::unique_ptr<sg4::Engine> engine;
  std::unique_ptr<Machine> machine;
  std::unique_ptr<PythonWorld> world;
  std::map<std::pair<int, std::string>, std::unique_ptr<Gil>> gils;
  std::vector<std::unique_ptr<PythonThread>> threads;
};

// Builds the machine, the processes, channels and threads of `layout` on `live.engine` and runs
// it to the end.
void run_world(const Scenario& scenario, const WorkloadLayout& layout, Timeline& timeline, LiveSimulation& live) {
  live.machine = std::make_unique<Machine>(scenario.machine, timeline);
  Machine& machine = *live.machine;
  auto* zone = sg4::create_full_zone("machine");
  std::vector<std::vector<int>> allowed;
  for (std::size_t t = 0; t < layout.threads().size(); ++t)
    allowed.push_back(layout.allowed_cpus(static_cast<int>(t), scenario.machine.cpus));
  machine.build(zone, allowed, scenario.runtime.gil.tie_jitter);
  zone->seal();

  live.world.reset(new PythonWorld{scenario, layout, machine, timeline, {}, false, {}, {}, {}, {}, {}, {}});
  PythonWorld& world = *live.world;
  for (std::size_t r = 0; r < scenario.requests.size(); ++r) {
    timeline.request_sources.push_back(scenario.requests[r].name);
    timeline.request_clients.push_back(scenario.requests[r].clients);
    timeline.request_think_seconds.push_back(0.0);
    world.request_sources[scenario.requests[r].name] =
        std::make_unique<RequestSource>(scenario.requests[r], static_cast<int>(r), scenario.runtime.seed, timeline);
  }
  std::vector<int> thread_counts(layout.processes().size(), 0);
  for (const ThreadInstance& t : layout.threads()) ++thread_counts[t.process];
  for (std::size_t p = 0; p < layout.processes().size(); ++p)
    world.processes.push_back(std::make_unique<ProcessRuntime>(
        layout.processes()[p].name, layout.processes()[p].start_method.has_value(), thread_counts[p],
        ProcessRuntime::LockSettings{scenario.runtime.gil.wakeup_latency, scenario.runtime.python.lock(),
                                     scenario.runtime.gil.tie_jitter, scenario.runtime.seed ^ (0x10C4'0000'0000ULL + p)},
        // Only a child the parent joins pays for finalisation before the run can end.
        layout.processes()[p].start_method ? scenario.runtime.processes.of(*layout.processes()[p].start_method).exit : 0.0,
        machine));

  for (const ThreadInstance& thread : layout.threads())
    for (const std::string& lock : WorkloadLayout::locks_taken_by(thread.spec->program))
      world.processes[thread.process]->add_lock(lock);
  for (std::size_t id = 0; id < layout.threads().size(); ++id) {
    const ThreadInstance& thread = layout.threads()[id];
    for (const std::string& name : WorkloadLayout::semaphores_taken_by(thread.spec->program)) {
      for (const SemaphoreSpec& spec : scenario.semaphores)
        if (spec.name == name) world.processes[thread.process]->add_semaphore(spec);
      world.processes[thread.process]->add_semaphore_user(name, static_cast<int>(id));
    }
  }
  create_channels(scenario, layout, world);
  for (const ThreadInstance& thread : layout.threads())
    if (const auto* worker = std::get_if<ExecutorWorkerStep>(&thread.spec->program[0].action))
      if (!world.executors.count(worker->loop_thread))
        world.executors[worker->loop_thread] = std::make_unique<ExecutorLink>(scenario.runtime.gil.wakeup_latency);
  for (const PoolInstance& pool : layout.pools())
    world.pools[pool.owner] = std::make_unique<ProcessPoolExecutor>(pool.spec, pool.workers,
                                                                    scenario.runtime.gil.wakeup_latency,
                                                                    scenario.runtime.ipc);

  // One GIL per interpreter of each process (sub-interpreters have their own, PEP 684), in
  // order of first use: the GIL's index picks its jitter stream.
  for (std::size_t id = 0; id < layout.threads().size(); ++id) {
    const ThreadInstance& instance = layout.threads()[id];
    auto& gil = live.gils[{instance.process, instance.spec->interpreter}];
    if (!gil) gil = make_gil(scenario, instance.process, live.gils.size() - 1, machine, timeline);
    live.threads.push_back(std::make_unique<PythonThread>(static_cast<int>(id), *instance.spec, *gil, world,
                                                          Rng::for_stream(scenario.runtime.seed, id)));
    PythonThread* thread = live.threads.back().get();
    sg4::Actor::create(instance.name, machine.any_host(), [thread] { (*thread)(); });
  }
  sg4::Engine::on_deadlock_cb([&live, &timeline] { report_deadlock(live.threads, timeline); });
  live.engine->run();
  if (const std::string failure = machine.scheduler_failure(); !failure.empty()) throw std::logic_error(failure);
  report_deadlock(live.threads, timeline);
}

}  // namespace

Timeline simulate(const Scenario& scenario, const std::vector<std::string>& simgrid_args) {
  const WorkloadLayout layout(scenario);
  Timeline timeline;
  timeline.scenario = scenario.name;
  timeline.variant = scenario.variant;
  timeline.cores = scenario.machine.cores;
  timeline.smt = scenario.machine.smt;
  timeline.switch_interval = scenario.runtime.gil.switch_interval;
  timeline.keep_spans = scenario.keep_spans;
  describe_instances(layout, timeline);

  // SimGrid merges events closer than surf/precision (1 ns by default): two threads' wake-ups
  // that the tie jitter puts 0.5 ns apart would then be ordered by the engine's internals, and the
  // two GIL engines could disagree (seen on 1 in 75 random workloads). 10 ps is well above the
  // rounding of simulated times (1e-13 s at 1000 s).
  std::vector<std::string> args = {"gilsim", "--log=root.thresh:critical", "--log=root.app:file:/dev/null",
                                   "--cfg=surf/precision:1e-11"};
#if defined(__SANITIZE_ADDRESS__)
  args.push_back("--cfg=contexts/factory:thread");  // README "Tests": the one ASan follows
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  args.push_back("--cfg=contexts/factory:thread");
#endif
#endif
  args.insert(args.end(), simgrid_args.begin(), simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  auto live = std::make_unique<LiveSimulation>();
  try {
    live->engine = std::make_unique<sg4::Engine>(&argc, argv.data());
    run_world(scenario, layout, timeline, *live);
  } catch (...) {
    (void)live.release();
    throw;
  }
  timeline.end_time = sg4::Engine::get_clock();
  std::vector<bool> never_ran;
  for (const auto& process : live->world->processes) {
    timeline.process_ready.push_back(process->ready_at());
    never_ran.push_back(process->abandoned());
  }
  timeline.drop_processes(never_ran);
  // Requests are recorded as they complete; reports list them by source, then arrival.
  std::sort(timeline.requests.begin(), timeline.requests.end(), [](const RequestRecord& a, const RequestRecord& b) {
    return a.source != b.source ? a.source < b.source : a.index < b.index;
  });
  return timeline;
}

}  // namespace gilsim
