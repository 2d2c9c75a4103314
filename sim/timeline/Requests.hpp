#pragma once
#include <array>
#include <cstdint>

#include "sim/timeline/ThreadStates.hpp"

namespace gilsim {

// Where a request's latency went (README "Requests"), from its arrival to its completion:
// - queue: waiting for a handler: in the source's queue until a serving thread took it, or, in
//   an event loop, ready while the loop ran other tasks' Python (event-loop lag);
// - gil_wait, cpu_wait: its handler thread waiting for the GIL, or for a CPU (eevdf);
// - io: blocking calls and sleeps of its handler (awaited ones in a coroutine);
// - python: its handler running Python;
// - other: the rest (lock and queue waits, native code, the loop waking up).
enum class RequestPart : uint8_t { Queue, GilWait, CpuWait, Io, Python, Other };
constexpr int kRequestPartCount = 6;
inline constexpr std::array<const char*, kRequestPartCount> kRequestPartNames = {"queue", "gil_wait", "cpu_wait",
                                                                                 "io", "python", "other"};
using RequestParts = std::array<double, kRequestPartCount>;

// The part a serving thread's time in `state` is while it handles the request.
constexpr RequestPart part_of_own_time(ThreadState state) {
  switch (state) {
    case ThreadState::Python: return RequestPart::Python;
    case ThreadState::GilWait: return RequestPart::GilWait;
    case ThreadState::CpuWait: return RequestPart::CpuWait;
    case ThreadState::Io:
    case ThreadState::Sleep: return RequestPart::Io;
    default: return RequestPart::Other;
  }
}
// ... and the part an event loop's time in `state` is for a task that is ready but not running.
constexpr RequestPart part_of_loop_time(ThreadState state) {
  switch (state) {
    case ThreadState::Python: return RequestPart::Queue;
    case ThreadState::GilWait: return RequestPart::GilWait;
    case ThreadState::CpuWait: return RequestPart::CpuWait;
    default: return RequestPart::Other;
  }
}

// One served request.
struct RequestRecord {
  int source = 0;  // index in Timeline::request_sources
  int64_t index = 0;
  double arrival = 0;
  double start = 0;  // when a handler took it (a thread) or first ran it (a coroutine)
  double end = 0;
  RequestParts parts{};
};

}  // namespace gilsim
