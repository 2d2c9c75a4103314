#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/ipc/ExecutorLink.hpp"
#include "models/ipc/Channel.hpp"
#include "models/ipc/Pipe.hpp"
#include "models/ipc/ProcessPoolExecutor.hpp"
#include "models/machine/Machine.hpp"
#include "models/python/ProcessRuntime.hpp"
#include "models/runtime/RequestSource.hpp"
#include "sim/scenario/WorkloadLayout.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// What every Python thread of one simulation shares: the scenario, the machine, the timeline
// being recorded, and every process instance's runtime (a parent reaches its children's).
struct PythonWorld {
  const Scenario& scenario;
  const WorkloadLayout& layout;
  Machine& machine;
  Timeline& timeline;
  std::vector<std::unique_ptr<ProcessRuntime>> processes;
  bool forkserver_started = false;
  // Pipes and multiprocessing.Queues are OS pipes shared by processes; queue.Queue and
  // interpreter queues exist once per process instance, as do the feeder buffers of
  // multiprocessing.Queues.
  std::map<std::string, std::unique_ptr<Pipe>> pipes;
  std::map<std::pair<int, std::string>, std::unique_ptr<Channel>> local_channels;
  std::map<std::pair<int, std::string>, std::unique_ptr<Channel>> feeder_buffers;
  std::map<int, std::unique_ptr<ExecutorLink>> executors;  // by the event loop's thread
  std::map<int, std::unique_ptr<ProcessPoolExecutor>> pools;  // by the thread that owns each
  std::map<std::string, std::unique_ptr<RequestSource>> request_sources;  // workload.requests, by name

  Pipe* pipe(const std::string& name) {  // nullptr for channels that are not pipes
    auto found = pipes.find(name);
    return found == pipes.end() ? nullptr : found->second.get();
  }
  RequestSource& request_source(const std::string& name) { return *request_sources.at(name); }
  Channel& channel(int process, const std::string& name) { return *local_channels.at({process, name}); }
  Channel& feeder_buffer(int process, const std::string& name) { return *feeder_buffers.at({process, name}); }
};

}  // namespace gilsim
