#pragma once
#include "sim/scenario/Latency.hpp"
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `io: 20ms` or a latency distribution: a blocking call (socket, file) that releases the GIL for
// its latency. In a coroutine, an awaited operation.
struct IoStep {
  static constexpr StepTraits kTraits{"io", true, true, kInThread | kInCoroutine | kInExecutorCall};
  Latency latency;
};

Step read_step(StepTag<IoStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const IoStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const IoStep& step, int index);
bool run_in_loop(EventLoop& loop, const IoStep& step, int task);

}  // namespace gilsim
