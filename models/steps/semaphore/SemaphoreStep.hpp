#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `acquire: NAME` / `release: NAME`: a semaphore's acquire() / release(). In a thread, a
// threading.Semaphore or BoundedSemaphore of workload.semaphores (one per process instance); in
// a coroutine, an asyncio.Semaphore of its asyncio step's `semaphores` (README "Semaphores").
struct SemaphoreStep {
  static constexpr StepTraits kTraits{"acquire", true, true, kInThread | kInCoroutine, StepSpans::PerExecution,
                                      "release"};
  std::string semaphore;
  bool acquire = true;
  const char* kind() const { return acquire ? "acquire" : "release"; }
};

Step read_step(StepTag<SemaphoreStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const SemaphoreStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const SemaphoreStep& step, int index);
bool run_in_loop(EventLoop& loop, const SemaphoreStep& step, int task);

}  // namespace gilsim
