#include "models/steps/lock/LockStep.hpp"

#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread, and a coroutine, runs `lock` steps.

namespace gilsim {

// threading.Lock (a semaphore up to 3.12, a PyMutex from 3.13: ThreadingLock): an uncontended
// acquire keeps the GIL; a contended one releases it while it blocks, and takes it back once it
// has the lock. A release runs with the GIL held; its wake-up system call, if it makes one,
// costs the releaser CPU time before its next bytecode.
void acquire_threading_lock(ThreadContext& thread, ThreadingLock& lock) {
  if (lock.try_acquire(thread.id())) return;
  thread.set_blocked_on("lock '" + lock.name() + "' held by " + thread.timeline().threads[lock.holder()].name);
  thread.without_gil(ThreadState::LockWait, [&] { lock.acquire_blocking(thread.id()); });
  thread.clear_blocked_on();
}

void release_threading_lock(ThreadContext& thread, ThreadingLock& lock) {
  const LockConfig& costs = thread.runtime().locks;
  const ThreadingLock::ReleaseCall call = lock.release(thread.id());
  const double cpu = call == ThreadingLock::ReleaseCall::Wake      ? costs.release_wake
                     : call == ThreadingLock::ReleaseCall::Syscall ? costs.release_syscall
                                                                    : 0.0;
  if (cpu > 0) thread.machine().run(thread.id(), cpu);
}

void run_step(ThreadContext& thread, const LockStep& step, int) {
  ThreadingLock& lock = thread.process().lock(step.lock);
  if (step.acquire) acquire_threading_lock(thread, lock);
  else release_threading_lock(thread, lock);
}

// asyncio.Lock (Lib/asyncio/locks.py): a free lock nobody waits for is taken without yielding;
// otherwise the task waits in FIFO order. release() wakes the first waiter.
bool run_in_loop(EventLoop& loop, const LockStep& step, int task) {
  ThreadContext& thread = loop.thread();
  thread.run_python(thread.runtime().asyncio.lock_op);
  AsyncioLock& lock = loop.lock(step.lock);
  loop.cursor(task).advance();
  if (!step.acquire) {
    if (const int woken = lock.release(); woken >= 0) loop.make_ready(woken);
    return true;
  }
  if (lock.acquire(task)) return true;
  loop.suspend(task, EventLoop::Wait::Lock, step.lock);
  return false;
}

}  // namespace gilsim
