#include "models/python/ThreadingLock.hpp"

#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ThreadingLock::ThreadingLock(std::string name, WakeupCurve wakeup, LockKind kind, double jitter, Rng rng)
    : name_(std::move(name)),
      wakeup_(std::move(wakeup)),
      kind_(kind),
      jitter_(jitter),
      rng_(rng),
      mutex_(sg4::Mutex::create()),
      cond_(sg4::ConditionVariable::create()) {}

bool ThreadingLock::try_acquire(int thread) {
  // Both kinds: a compare-and-swap on an unlocked lock succeeds even if others wait (barging).
  if (holder_ != -1) return false;
  holder_ = thread;
  return true;
}

template <class Woken>
void ThreadingLock::sleep_until(std::unique_lock<sg4::Mutex>& lock, Woken woken) {
  const double since = sg4::Engine::get_clock();
  os::block();
  while (!woken()) cond_->wait(lock);
  lock.unlock();
  // The OS runs the woken thread a while after the releaser's CPU woke it. A real wake-up varies
  // by microseconds, more than a tight loop's iteration: with a constant latency every wake-up
  // would fall at the same phase of the holder's loop (always inside its critical section, or
  // always outside), so each one draws a seeded offset below the jitter.
  const double jitter = jitter_ > 0 ? jitter_ * rng_.uniform() : 0.0;
  os::wake(WakeKind::Task, releaser_, wakeup_.latency(sg4::Engine::get_clock() - since) + jitter);
  lock.lock();
}

void ThreadingLock::acquire_blocking(int thread) {
  ++waiting_;
  if (kind_ == LockKind::PyMutex) acquire_pymutex(thread);
  else acquire_semaphore(thread);
  --waiting_;
}

void ThreadingLock::acquire_semaphore(int thread) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  // glibc's sem_wait: sleep until a sem_post wakes us, then take the value if it is still
  // there; a waiter that finds it taken again sleeps again.
  while (holder_ != -1) {
    ++sleeping_;
    sleep_until(lock, [&] {
      if (wakes_ == 0) return false;
      --wakes_;  // this sleeper is the one a release's futex_wake chose
      return true;
    });
  }
  holder_ = thread;
}

void ThreadingLock::acquire_pymutex(int thread) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  // _PyMutex_LockTimed: the deadline for fairness is set once, when the slow path begins.
  const double time_to_be_fair = sg4::Engine::get_clock() + kTimeToBeFair;
  while (holder_ != -1) {
    Parked entry{thread, time_to_be_fair};
    parked_.push_back(&entry);  // _PyParkingLot_Park enqueues at the tail
    sleep_until(lock, [&] { return entry.unparked; });
    if (entry.handed_off) return;  // mutex_unpark() left it locked for us
  }
  holder_ = thread;
}

ThreadingLock::ReleaseCall ThreadingLock::release(int thread) {
  // The scenario loader guarantees the holder releases (balanced programs).
  releaser_ = thread;
  holder_ = -1;
  if (kind_ == LockKind::Semaphore) {
    if (waiting_ == 0) return ReleaseCall::None;  // sem_post's fast path: nwaiters == 0
    if (sleeping_ == 0) return ReleaseCall::Syscall;
    --sleeping_;
    ++wakes_;
    cond_->notify_one();  // futex_wake(1): the sleeper first in line (SimGrid's FIFO)
    return ReleaseCall::Wake;
  }
  if (parked_.empty()) return ReleaseCall::None;  // no _Py_HAS_PARKED: the fast path
  // _PyParkingLot_Unpark -> mutex_unpark(): the first parked waiter, handed the lock if it has
  // waited past its time_to_be_fair.
  Parked* first = parked_.front();
  parked_.pop_front();
  first->unparked = true;
  if (sg4::Engine::get_clock() > first->time_to_be_fair) {
    first->handed_off = true;
    holder_ = first->thread;
  }
  cond_->notify_all();  // the others see their entries still parked and sleep on
  return ReleaseCall::Wake;
}

}  // namespace gilsim
