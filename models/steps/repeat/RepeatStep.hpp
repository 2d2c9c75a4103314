#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `repeat: {count: N, steps: [...]}`: the steps, N times (a Python for loop).
struct RepeatStep {
  static constexpr StepTraits kTraits{"repeat", true, true, kInThread | kInCoroutine, StepSpans::Own};
  int64_t count = 0;
  std::vector<Step> body;
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    visit(body, Nested{Nesting::Repeated, count});
  }
  int64_t own_executions() const { return 0; }  // only its body's steps run
};

Step read_step(StepTag<RepeatStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const RepeatStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const RepeatStep& step, int index);
bool run_in_loop(EventLoop& loop, const RepeatStep& step, int task);

}  // namespace gilsim
