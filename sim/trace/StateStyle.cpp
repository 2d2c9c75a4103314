#include "sim/trace/StateStyle.hpp"

namespace gilsim {

StateStyle thread_state_style(ThreadState state) { return {state_info(state).name, state_info(state).colour}; }

StateStyle step_state_style(StepState state) {
  const char* name = step_state_name(state);
  switch (state) {
    case StepState::Python: return {name, "#2e9e44"};
    case StepState::GilWait: return {name, "#f4a3a3"};
    case StepState::Cpu: return {name, "#7fbf7b"};  // a cpu step not split into GIL runs
    case StepState::Io: return {name, "#4a7fd6"};
    case StepState::Sleep: return {name, "#cccccc"};
    case StepState::Native: return {name, "#f0a030"};
    case StepState::Lock: return {name, "#9b59b6"};
    case StepState::Channel: return {name, "#17becf"};
    case StepState::Process: return {name, "#8c6d31"};
    case StepState::Other: return {name, "#bcbd22"};
  }
  return {"?", "#000000"};
}

}  // namespace gilsim
