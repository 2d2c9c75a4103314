#pragma once
#include "sim/scenario/ProcessPoolSpec.hpp"
#include "sim/scenario/SemaphoreSpec.hpp"
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// A group of identical coroutines of an asyncio step: `count` tasks running `program`, named
// name[i] (the name alone when count is 1) in deadlock reports.
// With `requests`, one task per request of that source of workload.requests (count is its
// number of requests), each started when its request arrives.
struct CoroutineSpec {
  std::string name;
  int64_t count = 1;
  std::vector<Step> program;
  std::string requests;
};
// asyncio.Queue(maxsize) of one event loop (0: unbounded).
struct AsyncioQueueSpec {
  std::string name;
  int64_t maxsize = 0;
};
// asyncio.run(gather(*tasks)) of every coroutine of `coroutines` on this thread's event loop:
// cpu runs on the loop, io and sleep are awaited, lock/unlock are asyncio.Locks and put/get/
// consume on `queues` asyncio.Queues of this loop, acquire/release its `semaphores`
// (asyncio.Semaphores) (README "asyncio").
struct AsyncioStep {
  static constexpr StepTraits kTraits{"asyncio", true, true, kInThread};
  std::vector<CoroutineSpec> coroutines;
  std::vector<AsyncioQueueSpec> queues;
  std::vector<SemaphoreSpec> semaphores;
  int executor_threads = 0;  // ThreadPoolExecutor size for run_in_executor; 0: min(32, cores + 4)
  // The ProcessPoolExecutor run_in_executor hands work to instead; the asyncio steps of a thread
  // share it, and it is shut down when the thread's program ends.
  std::optional<ProcessPoolSpec> process_pool;
  int64_t tasks() const {
    int64_t n = 0;
    for (const CoroutineSpec& c : coroutines) n += c.count;
    return n;
  }
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    for (const CoroutineSpec& c : coroutines) visit(c.program, Nested{Nesting::Coroutine, c.count});
  }
};

Step read_step(StepTag<AsyncioStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const AsyncioStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const AsyncioStep& step, int index);

}  // namespace gilsim
