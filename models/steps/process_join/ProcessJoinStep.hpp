#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// Process.join() of one process instance, on the parent's synthesized main thread. Never read
// from YAML.
struct ProcessJoinStep {
  static constexpr StepTraits kTraits{"join", false, false, kInThread};
  int process = 0;
};

void run_step(ThreadContext& thread, const ProcessJoinStep& step, int index);

}  // namespace gilsim
