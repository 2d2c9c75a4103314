#include "sim/trace/StepKeys.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace gilsim {
namespace {

constexpr char kSeparator = '\x1f';

std::string describe(const TraceStep& s) {
  return s.process + "/" + s.thread + " step " + std::to_string(s.step) + " #" + std::to_string(s.iteration) + " (" +
         s.label + ")";
}

std::string thread_key(const TraceStep& s) {
  return s.process + kSeparator + s.thread + kSeparator + std::to_string(s.step) + kSeparator +
         std::to_string(s.iteration);
}

// One receive of a shared consume loop and the body steps it ran (none: the closing receive).
struct Receive {
  const SharedConsumeLoop* loop;
  std::size_t span;                // index in steps
  std::vector<std::size_t> body;  // indices in steps, in execution order
};

// Every receive of the shared loops, with its body, from each consumer thread's steps in time
// order: a body step follows its receive and comes before the loop's next receive.
std::vector<Receive> receives_of(const std::vector<TraceStep>& steps, const std::vector<SharedConsumeLoop>& loops) {
  std::map<std::tuple<std::string, std::string, int>, const SharedConsumeLoop*> loop_at;
  for (const SharedConsumeLoop& l : loops) loop_at[{l.process, l.thread, l.step}] = &l;
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_thread;
  for (std::size_t i = 0; i < steps.size(); ++i) by_thread[{steps[i].process, steps[i].thread}].push_back(i);

  std::vector<Receive> receives;
  for (auto& [thread, indices] : by_thread) {
    std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(steps[a].start, steps[a].end) < std::tie(steps[b].start, steps[b].end);
    });
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t current = kNone;  // the receive whose body may continue (an index: receives grows)
    for (std::size_t i : indices) {
      const TraceStep& s = steps[i];
      if (auto loop = loop_at.find({s.process, s.thread, s.step}); loop != loop_at.end()) {
        receives.push_back({loop->second, i, {}});
        current = receives.size() - 1;
      } else if (current != kNone && s.step > receives[current].loop->step &&
                 s.step <= receives[current].loop->step + receives[current].loop->body_steps) {
        receives[current].body.push_back(i);
      } else {
        current = kNone;
      }
    }
  }
  return receives;
}

}  // namespace

std::vector<StepKey> step_keys(const std::vector<TraceStep>& steps, const std::vector<SharedConsumeLoop>& loops) {
  std::vector<StepKey> keys;
  keys.reserve(steps.size());
  for (const TraceStep& s : steps) keys.push_back({thread_key(s), describe(s)});
  if (loops.empty()) return keys;

  std::vector<Receive> receives = receives_of(steps, loops);
  // Number the messages and the closes of each channel in the order their receives completed.
  std::stable_sort(receives.begin(), receives.end(), [&](const Receive& a, const Receive& b) {
    const TraceStep& x = steps[a.span];
    const TraceStep& y = steps[b.span];
    return std::tie(x.end, x.start, x.process, x.thread) < std::tie(y.end, y.start, y.process, y.thread);
  });
  std::map<std::pair<std::string, bool>, long long> counts;  // (channel, closing) -> receives so far
  for (const Receive& r : receives) {
    const bool closing = r.body.empty();
    const long long ordinal = counts[{r.loop->channel, closing}]++;
    const std::string message = r.loop->channel + kSeparator + (closing ? "close" : "message") + kSeparator +
                                std::to_string(ordinal);
    const std::string what = (closing ? "close " : "message ") + std::to_string(ordinal) + " of channel " +
                             r.loop->channel + ": ";
    keys[r.span] = {message, what + describe(steps[r.span])};
    std::map<int, long long> executions;  // relative step -> executions within this message
    for (std::size_t i : r.body) {
      const int relative = steps[i].step - r.loop->step;
      keys[i] = {message + kSeparator + std::to_string(relative) + kSeparator + std::to_string(executions[relative]++),
                 what + describe(steps[i])};
    }
  }
  return keys;
}

}  // namespace gilsim
