#pragma once
#include <array>
#include <cstdint>

namespace gilsim {

// What a Python thread is doing at a moment. The one table below describes every state for
// every reader (timeline totals, summary, sweep, trace, SVG, validation): a new state is a new
// enumerator and a new row, and the static_asserts keep the two in step.
enum class ThreadState : uint8_t { Python, GilWait, Io, Native, Sleep, LockWait, Wait, CpuWait };

// How outputs group states: what occupies a CPU, what waits for the GIL, what is blocked.
enum class StateCategory : uint8_t {
  Running,     // on a CPU: the "runnable" counter, busy threads in sweeps
  GilWaiting,  // waiting to take the GIL: the "GIL waiters" counter
  Blocked,     // in a blocking call or a sleep: I/O share in sweeps
  Waiting,     // blocked on another thread or process (locks, queues, joins)
  CpuWaiting,  // runnable, waiting for a CPU (machine.scheduler: eevdf)
};

struct ThreadStateInfo {
  ThreadState state;
  const char* name;    // trace span name, summary column, JSON key stem ("gil-wait")
  const char* colour;  // SVG fill
  StateCategory category;
  bool variant_column;  // a column of the summary's variant table
};

inline constexpr std::array<ThreadStateInfo, 8> kThreadStates = {{
    {ThreadState::Python, "python", "#2e9e44", StateCategory::Running, true},
    {ThreadState::GilWait, "gil-wait", "#f4a3a3", StateCategory::GilWaiting, true},
    {ThreadState::Io, "io", "#4a7fd6", StateCategory::Blocked, true},
    {ThreadState::Native, "native", "#f0a030", StateCategory::Running, true},
    {ThreadState::Sleep, "sleep", "#cccccc", StateCategory::Blocked, false},
    {ThreadState::LockWait, "lock-wait", "#9b59b6", StateCategory::Waiting, false},
    {ThreadState::Wait, "wait", "#8c6d31", StateCategory::Waiting, false},
    {ThreadState::CpuWait, "cpu-wait", "#e0c341", StateCategory::CpuWaiting, true},
}};
constexpr int kThreadStateCount = static_cast<int>(kThreadStates.size());

constexpr bool states_in_enum_order() {
  for (int i = 0; i < kThreadStateCount; ++i)
    if (static_cast<int>(kThreadStates[static_cast<std::size_t>(i)].state) != i) return false;
  return true;
}
static_assert(states_in_enum_order(), "kThreadStates rows must follow the ThreadState enumerators");
static_assert(static_cast<int>(ThreadState::CpuWait) + 1 == kThreadStateCount,
              "every ThreadState needs a row in kThreadStates");

constexpr const ThreadStateInfo& state_info(ThreadState state) {
  return kThreadStates[static_cast<std::size_t>(state)];
}
constexpr const ThreadStateInfo& state_info(int state) { return kThreadStates[static_cast<std::size_t>(state)]; }
constexpr const char* state_name(ThreadState state) { return state_info(state).name; }
constexpr bool in_category(ThreadState state, StateCategory category) {
  return state_info(state).category == category;
}

}  // namespace gilsim
