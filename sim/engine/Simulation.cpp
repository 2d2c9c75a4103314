#include "sim/engine/Simulation.hpp"

#include <map>
#include <stdexcept>
#include <memory>

#include <simgrid/s4u.hpp>

#include "models/machine/Machine.hpp"
#include "models/python/Gil.hpp"
#include "models/python/PythonThread.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

std::string instance_name(const std::string& name, int64_t count, int64_t index) {
  return count == 1 ? name : name + "[" + std::to_string(index) + "]";
}

// Fills the timeline's process and thread tables, one entry per replicated instance.
void describe_instances(const Scenario& scenario, Timeline& timeline) {
  for (const ProcessSpec& process : scenario.processes) {
    for (int64_t p = 0; p < process.count; ++p) {
      timeline.processes.push_back({instance_name(process.name, process.count, p)});
      const int process_index = static_cast<int>(timeline.processes.size()) - 1;
      for (const ThreadSpec& thread : process.threads) {
        for (int64_t t = 0; t < thread.count; ++t) {
          ThreadInfo info;
          info.process = process_index;
          info.name = instance_name(thread.name, thread.count, t);
          info.group = process.name + "/" + thread.name;
          PythonThread::describe_steps(thread.program, info);
          timeline.threads.push_back(std::move(info));
        }
      }
    }
  }
  const std::size_t threads = timeline.threads.size();
  timeline.gil_switches_in.assign(threads, 0);
  timeline.solo_seconds.assign(threads, 0);
  timeline.finish_time.assign(threads, 0);
  timeline.process_gil_switches.assign(timeline.processes.size(), 0);
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

}  // namespace

Timeline simulate(const Scenario& scenario, const std::vector<std::string>& simgrid_args) {
  Timeline timeline;
  timeline.scenario = scenario.name;
  timeline.variant = scenario.variant;
  timeline.cores = scenario.machine.cores;
  timeline.smt = scenario.machine.smt;
  timeline.switch_interval = scenario.runtime.gil.switch_interval;
  describe_instances(scenario, timeline);

  std::vector<std::string> args = {"gilsim", "--log=root.thresh:critical", "--log=root.app:file:/dev/null"};
  args.insert(args.end(), simgrid_args.begin(), simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());

  Machine machine(scenario.machine, timeline);
  auto* zone = sg4::create_full_zone("machine");
  machine.build(zone);
  zone->seal();

  // One GIL per interpreter of each process (sub-interpreters have their own, PEP 684).
  const bool gil_enabled = scenario.runtime.build == PythonBuild::Default;
  std::vector<std::unique_ptr<Gil>> gils;
  std::vector<std::unique_ptr<ProcessRuntime>> runtimes;
  std::vector<std::unique_ptr<PythonThread>> threads;
  int id = 0;
  int process_index = 0;
  for (const ProcessSpec& process : scenario.processes) {
    for (int64_t p = 0; p < process.count; ++p, ++process_index) {
      std::map<std::string, Gil*> interpreters;
      runtimes.push_back(std::make_unique<ProcessRuntime>(scenario.runtime.gil.wakeup_latency));
      for (const ThreadSpec& spec : process.threads) {
        Gil*& gil = interpreters[spec.interpreter];
        if (!gil) {
          gils.push_back(std::make_unique<Gil>(process_index, gils.size(), scenario.runtime.gil,
                                               scenario.runtime.seed, gil_enabled, machine, timeline));
          gil = gils.back().get();
        }
        for (int64_t t = 0; t < spec.count; ++t, ++id) {
          threads.push_back(std::make_unique<PythonThread>(
              id, spec, *gil, *runtimes.back(), machine, timeline, scenario,
              Rng::for_stream(scenario.runtime.seed, static_cast<uint64_t>(id))));
          PythonThread* thread = threads.back().get();
          sg4::Actor::create(timeline.threads[id].name, machine.any_host(), [thread] { (*thread)(); });
        }
      }
    }
  }
  engine.run();
  report_deadlock(threads, timeline);
  return timeline;
}

}  // namespace gilsim
