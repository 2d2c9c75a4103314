#pragma once
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `consume: {channel: C, steps: [...]}`: gets messages from the channel and runs the steps for
// each, until the channel is closed (every writer finished and nothing left): a worker's loop
// over a task queue. One step span per message received.
struct ConsumeStep {
  static constexpr StepTraits kTraits{"consume", true, true, kInThread | kInCoroutine, StepSpans::Own};
  std::string channel;
  std::vector<Step> body;
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    visit(body, Nested{Nesting::PerMessage, 1});
  }
};

Step read_step(StepTag<ConsumeStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const ConsumeStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const ConsumeStep& step, int index);
bool run_in_loop(EventLoop& loop, const ConsumeStep& step, int task);

}  // namespace gilsim
