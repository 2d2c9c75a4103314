#pragma once

namespace gilsim {

// Python costs of the event loop and its synchronisation primitives (README "asyncio").
struct AsyncioConfig {
  // Python run by the event loop per task step (Handle._run, Task.__step, coroutine.send).
  double task_step_overhead = 15e-6;
  // Python in one asyncio.Lock acquire() or release() that does not wait.
  double lock_op = 1e-6;
  // Python in one asyncio.Queue put() or get() that does not wait.
  double queue_op = 2e-6;
  // Python in one asyncio.Semaphore acquire() or release() that does not wait.
  double semaphore_op = 0.5e-6;
};

}  // namespace gilsim
