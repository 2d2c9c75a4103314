#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// A multiprocessing.Queue's feeder thread draining its process's buffer for `channel`, or, for
// `pool_owner` >= 0, the call queue of the ProcessPoolExecutor of that thread. Never read from YAML.
struct FeederStep {
  static constexpr StepTraits kTraits{"feed", false, false, kInThread};
  std::string channel;
  int pool_owner = -1;
};

void run_step(ThreadContext& thread, const FeederStep& step, int index);

}  // namespace gilsim
