#pragma once
#include "sim/scenario/StartMethod.hpp"
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// Process.start() of one process instance (an index into the simulation's process table), on
// the parent's synthesized main thread. Never read from YAML.
struct ProcessStartStep {
  static constexpr StepTraits kTraits{"process_start", false, false, kInThread};
  int process = 0;
  StartMethod method = StartMethod::Fork;
};

void run_step(ThreadContext& thread, const ProcessStartStep& step, int index);

}  // namespace gilsim
