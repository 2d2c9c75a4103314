#pragma once
#include <deque>
#include <string>

#include <simgrid/s4u.hpp>

#include "sim/scenario/PythonVersion.hpp"
#include "sim/scenario/WakeupCurve.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// threading.Lock as CPython implements it on Linux (and multiprocessing.Lock, a semaphore in
// every version). The caller keeps the GIL for try_acquire() and release(), and releases it
// around acquire_blocking() (Modules/_threadmodule.c: a non-blocking try with the GIL held, then
// Py_BEGIN_ALLOW_THREADS around the blocking wait). A woken waiter runs a wake-up latency after
// its release; meanwhile the releasing thread keeps running and may take the lock back first
// (barging). The kinds differ in whom a release wakes:
//  - Semaphore (3.11, 3.12; Python/thread_pthread.h, USE_SEMAPHORES): glibc's sem_post() calls
//    futex_wake while any thread is inside sem_wait() (nwaiters > 0), which wakes one sleeping
//    waiter if there is one. A woken waiter that finds the semaphore taken sleeps again.
//  - PyMutex (3.13+; Python/lock.c, Python/parking_lot.c): a release unparks the first parked
//    waiter (FIFO), and makes no system call when none is parked; a waiter that finds the lock
//    taken parks again at the tail. A waiter whose acquire began more than TIME_TO_BE_FAIR_NS
//    (1 ms) before the release is handed the lock: it stays locked, owned by the woken waiter.
class ThreadingLock {
 public:
  // What a release() cost its caller beyond the Python call: the system call of a wake-up.
  enum class ReleaseCall {
    None,     // no waiter: an atomic store
    Syscall,  // futex_wake with every waiter awake already (3.11: nwaiters > 0, none asleep)
    Wake,     // a sleeping (parked) waiter woken
  };

  // `jitter`: a seeded draw below it is added to each wake-up (see sleep_until()).
  ThreadingLock(std::string name, WakeupCurve wakeup, LockKind kind = LockKind::Semaphore, double jitter = 0,
                Rng rng = Rng(0));

  const std::string& name() const { return name_; }
  int holder() const { return holder_; }
  bool try_acquire(int thread);
  void acquire_blocking(int thread);  // returns holding the lock
  ReleaseCall release(int thread);

  // Python/lock.c: static const PyTime_t TIME_TO_BE_FAIR_NS = 1000*1000.
  static constexpr double kTimeToBeFair = 1e-3;

 private:
  // A PyMutex waiter in the parking lot (Python/lock.c's struct mutex_entry).
  struct Parked {
    int thread;
    double time_to_be_fair;  // the release hands the lock over after this instant
    bool unparked = false;
    bool handed_off = false;
  };
  void acquire_semaphore(int thread);
  void acquire_pymutex(int thread);
  // Sleeps on the condition until `woken()` (a release chose this thread), then runs once the
  // OS has scheduled it: a wake-up latency later (block_then_wake's protocol).
  template <class Woken>
  void sleep_until(std::unique_lock<simgrid::s4u::Mutex>& lock, Woken woken);

  std::string name_;
  WakeupCurve wakeup_;
  LockKind kind_;
  double jitter_;
  Rng rng_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cond_;
  int holder_ = -1;
  int releaser_ = -1;
  int waiting_ = 0;   // threads inside acquire_blocking() (glibc's nwaiters)
  int sleeping_ = 0;  // ... of which asleep, not yet chosen by a release (Semaphore)
  int wakes_ = 0;     // sleepers a release has chosen and that have not yet woken (Semaphore)
  std::deque<Parked*> parked_;  // PyMutex only: the parking lot's queue for this lock
};

}  // namespace gilsim
