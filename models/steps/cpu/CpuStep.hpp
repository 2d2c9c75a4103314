#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `cpu: 10ms`: pure-Python bytecode (a loop, parsing, arithmetic in Python), `seconds` of work
// alone on one unshared core of speed 1. The thread must hold its process's GIL to run it.
// `cpu: {time: 50ns, eval_breaker: false}`: straight-line bytecode with no eval-breaker check in
// it (no call of a Python function, no loop: CPython checks only at RESUME, JUMP_BACKWARD and
// after calls), so a drop request waits for the first check after it.
struct CpuStep {
  static constexpr StepTraits kTraits{"cpu", true, true, kInThread | kInCoroutine | kInExecutorCall};
  double seconds = 0;
  bool eval_breaker = true;
};

Step read_step(StepTag<CpuStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const CpuStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const CpuStep& step, int index);
bool run_in_loop(EventLoop& loop, const CpuStep& step, int task);

}  // namespace gilsim
