#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `serve: {requests: R, steps: [...]}`: a server thread's loop. It takes the next request of
// source R (waiting for it with the GIL released while none has arrived), runs the steps for it,
// and goes on until every request of R has been taken. Threads serving the same source share
// its queue (a thread pool, or processes accepting on one socket). One step span per request
// taken, the wait for it included.
struct ServeStep {
  static constexpr StepTraits kTraits{"serve", true, true, kInThread, StepSpans::Own};
  std::string requests;
  int64_t count = 0;  // the source's requests: the most this thread can serve
  std::vector<Step> body;
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    visit(body, Nested{Nesting::PerMessage, 1});
  }
};

Step read_step(StepTag<ServeStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const ServeStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const ServeStep& step, int index);

}  // namespace gilsim
