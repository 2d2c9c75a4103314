#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// GIL-releasing native code (hashlib, zlib, numpy): `seconds` of single-core work; `threads` > 1
// splits it over internal threads (BLAS-like), each competing for cores like any other thread.
struct NativeStep {
  static constexpr StepTraits kTraits{"native", true, true, kInThread | kInCoroutine | kInExecutorCall};
  double seconds = 0;
  int threads = 1;
};

Step read_step(StepTag<NativeStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const NativeStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const NativeStep& step, int index);
bool run_in_loop(EventLoop& loop, const NativeStep& step, int task);

}  // namespace gilsim
