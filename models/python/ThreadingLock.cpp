#include "models/python/ThreadingLock.hpp"

#include "models/machine/Wakeup.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ThreadingLock::ThreadingLock(std::string name, WakeupCurve wakeup)
    : name_(std::move(name)),
      wakeup_(std::move(wakeup)),
      mutex_(sg4::Mutex::create()),
      cond_(sg4::ConditionVariable::create()) {}

bool ThreadingLock::try_acquire(int thread) {
  if (holder_ != -1) return false;
  holder_ = thread;
  return true;
}

void ThreadingLock::acquire_blocking(int thread) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  // The woken thread runs only after the OS wakes it; meanwhile another may take the lock.
  block_then_wake(
      lock, *cond_, [&] { return holder_ == -1; }, [&](double blocked) { return wakeup_.latency(blocked); },
      WakeKind::Task, &releaser_);
  holder_ = thread;
}

void ThreadingLock::release(int thread) {
  // The scenario loader guarantees the holder releases (balanced programs).
  releaser_ = thread;  // sem_post() wakes a waiter from the releaser's CPU
  holder_ = -1;
  cond_->notify_one();
}

}  // namespace gilsim
