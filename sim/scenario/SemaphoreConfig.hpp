#pragma once

namespace gilsim {

// Python costs of threading.Semaphore (Lib/threading.py: pure Python over Condition(Lock())),
// run with the GIL held (README "Semaphores"). The defaults are estimates for CPython 3.11 from
// the length of the methods; a profile's calibration (semaphore_acquire, semaphore_release,
// semaphore_wait: scripts/record.py measure semaphore) replaces them.
struct SemaphoreConfig {
  // s: acquire() that finds the value above 0: the call, `with self._cond:`, the loop test, the
  // decrement and the with's exit.
  double acquire = 0.75e-6;
  // s: release(): the call, `with self._cond:`, the increment and notify()'s Python.
  double release = 0.85e-6;
  // s: one Condition.wait() of an acquire that finds the value 0, besides the blocking itself:
  // _allocate_lock(), the waiter's first acquire(), the append, _release_save(), _acquire_restore()
  // and the loop's next test.
  double wait = 1.5e-6;
};

}  // namespace gilsim
