#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"
#include "sim/scenario/MpPoolConfig.hpp"

namespace gilsim {

// `put: {channel: C, bytes: B, objects: N}`: one message on a channel (in a coroutine, on one of
// the loop's asyncio.Queues, or a blocking call on a channel); `objects` adds the per-object
// pickling cost.
struct PutStep {
  static constexpr StepTraits kTraits{"put", true, true, kInThread | kInCoroutine};
  std::string channel;
  double bytes = 0;
  double objects = 0;
  // The Pool task handler or worker Python this put stands for (the processes strategy only).
  PoolStepCost pool_python = PoolStepCost::None;
};

Step read_step(StepTag<PutStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const PutStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const PutStep& step, int index);
bool run_in_loop(EventLoop& loop, const PutStep& step, int task);

}  // namespace gilsim
