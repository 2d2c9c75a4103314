#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `sleep: 10ms`: time.sleep (asyncio.sleep in a coroutine), the GIL released.
struct SleepStep {
  static constexpr StepTraits kTraits{"sleep", true, true, kInThread | kInCoroutine | kInExecutorCall};
  double seconds = 0;
};

Step read_step(StepTag<SleepStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const SleepStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const SleepStep& step, int index);
bool run_in_loop(EventLoop& loop, const SleepStep& step, int task);

}  // namespace gilsim
