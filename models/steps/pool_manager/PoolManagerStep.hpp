#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// The executor manager thread of the ProcessPoolExecutor of thread `owner`. Never read from YAML.
struct PoolManagerStep {
  static constexpr StepTraits kTraits{"executor_manager", false, false, kInThread};
  int owner = 0;
};

void run_step(ThreadContext& thread, const PoolManagerStep& step, int index);

}  // namespace gilsim
