#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "models/runtime/RequestSource.hpp"
#include "models/runtime/ThreadContext.hpp"

namespace gilsim {

// The requests an event loop serves, one task each (an asyncio step's `requests` coroutines),
// and where each one's latency goes, from the loop thread's StateClock:
// - while the task runs, the loop's time is the task's own (python, gil-wait, cpu-wait, io of
//   a blocking call), as for a serving thread;
// - while it awaits a timer (io, sleep), the awaited time is io;
// - while it is due or ready but another task runs, the loop's Python is queue (event-loop
//   lag), its GIL and CPU waits are the task's too;
// - the rest (waiting for an asyncio.Lock, a queue or an executor) is other.
class LoopRequests {
 public:
  explicit LoopRequests(ThreadContext& thread) : thread_(thread) {}

  bool tracks(int task) const { return tracked_.count(task) != 0; }
  // Task `task` handles `request`: it starts when the request arrives.
  void add(int task, RequestSource& source, int64_t request);
  void resuming(int task);  // the loop runs the task now
  void paused(int task);    // ... and leaves it (it awaits, or is done)
  void awaiting_timer(int task, double until);
  void made_ready(int task);  // what it awaited (a lock, a queue, an executor) woke it
  // The task is done; in a closed loop its client sends its next request, which is returned.
  struct Sent {
    RequestSource* source;
    int64_t request;
  };
  std::optional<Sent> finished(int task);

 private:
  struct Tracked {
    RequestSource* source;
    int64_t request;
    double start = -1;  // first run
    int64_t waiting = -1;  // the StateClock mark of when it became due, while it waits for the loop
    StateClock::Totals running_since{};
    RequestParts parts{};
    Rng stream;
  };

  ThreadContext& thread_;
  std::unordered_map<int, Tracked> tracked_;
};

}  // namespace gilsim
