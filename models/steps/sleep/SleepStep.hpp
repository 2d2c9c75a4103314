#pragma once
#include "sim/scenario/Latency.hpp"
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `sleep: 10ms` or a latency distribution as io's: time.sleep (asyncio.sleep in a coroutine),
// the GIL released. A drawn duration is a think time or a back-off.
struct SleepStep {
  static constexpr StepTraits kTraits{"sleep", true, true, kInThread | kInCoroutine | kInExecutorCall};
  Latency latency;
};

Step read_step(StepTag<SleepStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const SleepStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const SleepStep& step, int index);
bool run_in_loop(EventLoop& loop, const SleepStep& step, int task);

}  // namespace gilsim
