#pragma once
#include <cstdint>
#include <string>

namespace gilsim {

// A semaphore of a scenario: threading.Semaphore(value) / threading.BoundedSemaphore(value) in
// workload.semaphores (one per process instance, as threading objects are), or
// asyncio.Semaphore(value) / asyncio.BoundedSemaphore(value) in an asyncio step's `semaphores`
// (one per event loop). README "Semaphores".
struct SemaphoreSpec {
  std::string name;
  int64_t value = 1;     // the initial value: how many holders at once
  bool bounded = false;  // BoundedSemaphore: release() above the initial value raises ValueError
};

}  // namespace gilsim
