#pragma once
#include <cstdint>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

// Where one coroutine is in its program: the step it runs next, through repeat bodies and
// consume loops. A consume step stays current until its channel is closed: the event loop gets
// an item, enters the body, and comes back to the consume step for the next item.
class CoroutineCursor {
 public:
  explicit CoroutineCursor(const std::vector<Step>& program) { frames_.push_back({&program, 0, 1, false}); }

  // The step to run next; nullptr once the coroutine has returned.
  const Step* current() const { return frames_.empty() ? nullptr : &(*frames_.back().steps)[frames_.back().pc]; }
  void advance();  // past the current step
  void enter(const RepeatStep& repeat) { frames_.push_back({&repeat.body, 0, repeat.count, false}); }
  void enter(const ConsumeStep& consume) { frames_.push_back({&consume.body, 0, 1, true}); }

 private:
  struct Frame {
    const std::vector<Step>* steps;
    std::size_t pc;
    int64_t left;  // passes over `steps` still to run, this one included
    bool consume;  // a consume body: when it ends, the consume step runs again
  };
  void settle();  // leaves the frames whose steps are done
  std::vector<Frame> frames_;
};

}  // namespace gilsim
