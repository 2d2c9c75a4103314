#pragma once
#include <iosfwd>
#include <string>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

class ThreadingLock;

// `lock: NAME` / `unlock: NAME`: threading.Lock acquire() / release(), named per process; in a
// coroutine, an asyncio.Lock of the event loop.
struct LockStep {
  static constexpr StepTraits kTraits{"lock", true, true, kInThread | kInCoroutine, StepSpans::PerExecution, "unlock"};
  std::string lock;
  bool acquire = true;
  const char* kind() const { return acquire ? "lock" : "unlock"; }
};

Step read_step(StepTag<LockStep>, StepReading& reading, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth);
void write_step(std::ostream& out, const LockStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const LockStep& step, int index);
bool run_in_loop(EventLoop& loop, const LockStep& step, int task);

// threading.Lock acquire() and release() by `thread`, holding the GIL as CPython does (the lock
// steps', and the locks inside a threading.Semaphore's).
void acquire_threading_lock(ThreadContext& thread, ThreadingLock& lock);
void release_threading_lock(ThreadContext& thread, ThreadingLock& lock);

}  // namespace gilsim
