#pragma once

namespace gilsim {

// Python costs of concurrent.futures.ProcessPoolExecutor beyond the queue operations, pickling
// and pipe writes its calls make (README "ProcessPoolExecutor").
struct ProcessPoolConfig {
  // Python in submit(): the shutdown lock, a Future and a _WorkItem, the work-id queue.Queue put,
  // and the wake-up write to the manager thread's pipe.
  double submit = 10e-6;
  // Python the executor manager thread runs each time it wakes: mp.connection.wait() over the
  // result queue, the wake-up pipe and the workers' sentinels, then clearing the wake-up pipe.
  double manager_wakeup = 20e-6;
};

}  // namespace gilsim
