#include "models/steps/semaphore/SemaphoreStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"
#include "models/steps/lock/LockStep.hpp"

// How a thread, and a coroutine, runs `acquire` and `release` steps.

namespace gilsim {
namespace {

// Python of the semaphore's methods: bytecode, slower on the free-threaded build.
void run_semaphore_python(ThreadContext& thread, double seconds) { thread.run_python(seconds * thread.bytecode_cost()); }

// Condition.wait() inside acquire() (Lib/threading.py): the thread's new lock, acquired and
// appended to the waiters; the condition's lock released (_release_save); the new lock acquired
// again, which blocks with the GIL released until release()'s notify() releases it; then the
// condition's lock taken back (_acquire_restore). Its Python (runtime.semaphores.wait) is run half
// before the block (allocation, append, _release_save) and half after (_acquire_restore, the
// return and the loop's next test), both holding the condition's lock.
void wait_on_condition(ThreadContext& thread, ThreadingSemaphore& semaphore) {
  const double half = thread.runtime().semaphores.wait / 2;
  run_semaphore_python(thread, half);
  ThreadingLock& waiter = semaphore.enqueue(thread.id());
  release_threading_lock(thread, semaphore.condition_lock());
  if (!waiter.try_acquire(thread.id())) {  // notified already (possible only without a GIL): no wait
    thread.set_blocked_on("semaphore '" + semaphore.name() + "', " +
                          semaphore.describe([&](int holder) { return thread.timeline().threads[holder].name; }));
    thread.without_gil(ThreadState::LockWait, [&] { waiter.acquire_blocking(thread.id()); });
    thread.clear_blocked_on();
  }
  waiter.release(thread.id());  // the lock is dropped, unreleased, in Python: free for the next wait
  acquire_threading_lock(thread, semaphore.condition_lock());
  run_semaphore_python(thread, half);
}

}  // namespace

// threading.Semaphore / BoundedSemaphore (Lib/threading.py, pure Python over Condition(Lock())):
// both methods run `with self._cond:`, a threading.Lock taken and released as the lock steps
// take theirs (a holder preempted by a GIL switch inside keeps it). acquire() waits on the
// condition while the value is 0 and tests again when woken; release() increments the value and
// notify() releases the first waiter's lock, whose wake-up system call the releaser pays as a
// lock release does. The methods' Python is runtime.semaphores' costs, run with the GIL held.
void run_step(ThreadContext& thread, const SemaphoreStep& step, int) {
  ThreadingSemaphore& semaphore = thread.process().semaphore(step.semaphore);
  const SemaphoreConfig& costs = thread.runtime().semaphores;
  acquire_threading_lock(thread, semaphore.condition_lock());
  if (step.acquire) {
    run_semaphore_python(thread, costs.acquire);
    while (!semaphore.take(thread.id())) wait_on_condition(thread, semaphore);
  } else {
    run_semaphore_python(thread, costs.release);
    if (const int woken = semaphore.give(thread.id()); woken >= 0)
      release_threading_lock(thread, semaphore.waiter_lock(woken));
  }
  release_threading_lock(thread, semaphore.condition_lock());
}

// asyncio.Semaphore / BoundedSemaphore (Lib/asyncio/locks.py, 3.11): acquire() takes a unit
// without yielding when the value is above 0 and nobody waits; otherwise the task waits in FIFO
// order. release() hands the unit to the first waiter, which holds it when it next runs.
bool run_in_loop(EventLoop& loop, const SemaphoreStep& step, int task) {
  ThreadContext& thread = loop.thread();
  run_semaphore_python(thread, thread.runtime().asyncio.semaphore_op);
  AsyncioSemaphore& semaphore = loop.semaphore(step.semaphore);
  loop.cursor(task).advance();
  if (!step.acquire) {
    if (const int woken = semaphore.release(task); woken >= 0) loop.make_ready(woken);
    return true;
  }
  if (semaphore.acquire(task)) return true;
  loop.suspend(task, EventLoop::Wait::Semaphore, step.semaphore);
  return false;
}

}  // namespace gilsim
