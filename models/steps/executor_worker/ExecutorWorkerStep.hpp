#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// A ThreadPoolExecutor worker of the event loop on thread `loop_thread`. Never read from YAML.
struct ExecutorWorkerStep {
  static constexpr StepTraits kTraits{"executor_worker", false, false, kInThread};
  int loop_thread = 0;
};

void run_step(ThreadContext& thread, const ExecutorWorkerStep& step, int index);

}  // namespace gilsim
