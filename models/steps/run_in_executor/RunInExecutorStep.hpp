#pragma once
#include "sim/scenario/ProcessPoolSpec.hpp"
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// In a coroutine: `await loop.run_in_executor(executor, blocking)`, where `blocking` runs `work`
// (leaf steps) on one of the executor's threads or worker processes; a process pool pickles its
// arguments and result (`payload`).
struct RunInExecutorStep {
  static constexpr StepTraits kTraits{"run_in_executor", true, true, kInCoroutine};
  std::vector<Step> work;
  Payload payload;
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    visit(work, Nested{Nesting::ExecutorCall, 1});
  }
};

Step read_step(StepTag<RunInExecutorStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const RunInExecutorStep& step, const std::string& pad);
bool run_in_loop(EventLoop& loop, const RunInExecutorStep& step, int task);

}  // namespace gilsim
