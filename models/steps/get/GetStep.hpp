#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"
#include "sim/scenario/MpPoolConfig.hpp"

namespace gilsim {

// `get: C`: receive one message, blocking while none is ready.
struct GetStep {
  static constexpr StepTraits kTraits{"get", true, true, kInThread | kInCoroutine};
  std::string channel;
  // The Pool result handler Python this get stands for (the processes strategy only).
  PoolStepCost pool_python = PoolStepCost::None;
};

Step read_step(StepTag<GetStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const GetStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const GetStep& step, int index);
bool run_in_loop(EventLoop& loop, const GetStep& step, int task);

}  // namespace gilsim
