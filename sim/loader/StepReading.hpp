#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Locks held at the current point of the program being read, in acquisition order.
using HeldLocks = std::vector<std::string>;

// What reading one thread's program needs besides the YAML: the declared channels, the locks
// held at the current point, and where it is (a thread, or a coroutine of an asyncio step).
// The step kinds' read_step functions (models/steps/<kind>/<Kind>Format.cpp) share it.
struct StepReading {
  const ValueReader& values;
  const std::vector<ChannelSpec>& channels;
  const std::vector<RequestSpec>* requests = nullptr;  // workload.requests, for serve and request coroutines
  HeldLocks held;
  const std::vector<SemaphoreSpec>* semaphores = nullptr;  // workload.semaphores, for a thread's acquire/release
  HeldLocks held_semaphores;  // semaphores acquired at the current point, once per acquire
  bool in_coroutine = false;                   // reading a coroutine of an asyncio step
  std::vector<std::string> loop_queues;        // ... whose event loop has these asyncio.Queues
  std::vector<SemaphoreSpec> loop_semaphores;  // ... and these asyncio.Semaphores
  std::optional<ProcessPoolSpec> thread_pool;  // the thread's ProcessPoolExecutor, once an asyncio step gave it
  std::string thread_pool_path;

  StepReading(const ValueReader& v, const std::vector<ChannelSpec>& c) : values(v), channels(c) {}

  // A program: a non-empty list of steps, each a mapping with one step kind.
  std::vector<Step> read_program(const YAML::Node& node, const std::string& path, int depth);
  // The `steps` of a repeat or consume: run again and again, they must leave the locks held as
  // they found them. `what` and `pass` name them in the message ("the repeated steps", "an
  // iteration").
  std::vector<Step> read_balanced_body(MapReader& map, const YAML::Node& key, const std::string& step_path, int depth,
                                       const std::string& what, const std::string& pass);
  // A channel of workload.channels, or, in a coroutine, one of the loop's asyncio queues.
  std::string read_channel_name(const YAML::Node& node, const std::string& path) const;
  // A source of workload.requests, by name.
  const RequestSpec& read_request_source(const YAML::Node& node, const std::string& path) const;
  // Fails unless `depth` (the nesting of the step at `key`) is within the limit.
  void check_nesting(const YAML::Node& key, const std::string& step_path, int depth, const std::string& what) const;

  // What it holds at the current point ("'a', semaphore 'db'"), and whether that is anything.
  std::string list_held() const;
  bool holds_any() const { return !held.empty() || !held_semaphores.empty(); }

  const char* holder() const { return in_coroutine ? "coroutine" : "thread"; }
  const char* lock_type() const { return in_coroutine ? "asyncio.Lock" : "threading.Lock"; }
};

std::string list_locks(const HeldLocks& held);  // 'a', 'b'
Latency read_latency(const ValueReader& values, const YAML::Node& node, const std::string& path);
double read_size(const ValueReader& values, const YAML::Node& node, const std::string& path);
// multiprocessing start methods: fork, spawn, forkserver.
StartMethod read_start_method(const ValueReader& values, const YAML::Node& node, const std::string& path);
// The optional keys input and output (sizes) and objects (a count) of a task handed to another
// process.
Payload read_payload(const ValueReader& values, MapReader& map);

}  // namespace gilsim
