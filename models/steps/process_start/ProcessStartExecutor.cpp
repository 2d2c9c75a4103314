#include "models/steps/process_start/ProcessStartStep.hpp"

#include "models/runtime/ProcessLauncher.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `process_start` steps.

namespace gilsim {

void run_step(ThreadContext& thread, const ProcessStartStep& step, int) {
  start_process(thread, step.process, step.method);
}

}  // namespace gilsim
