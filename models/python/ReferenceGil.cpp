#include "models/python/ReferenceGil.hpp"

#include <algorithm>
#include <limits>

#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ReferenceGil::ReferenceGil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, Machine& machine,
                           Timeline& timeline)
    : Gil(process, stream, config, seed, machine, timeline),
      mutex_(sg4::Mutex::create()),
      cond_(sg4::ConditionVariable::create()),
      switch_cond_(sg4::ConditionVariable::create()) {}

void ReferenceGil::request_drop() {
  // SET_GIL_DROP_REQUEST: the holder notices at its next eval-breaker check.
  drop_request_ = true;
  request_time_ = sg4::Engine::get_clock();
  if (waiting_holder_ >= 0) {
    doorbell(waiting_holder_).ring();
    waiting_holder_ = -1;
  }
}

void ReferenceGil::take(int thread) {
  take_begins(thread, sg4::Engine::get_clock());
  // Actors run one at a time between simcalls, so the check and the take are atomic without the
  // mutex; it only guards the check-then-wait against a drop() signalling in between.
  if (!locked_) return take_locked(thread, false);
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  bool drop_requested = false;
  // The chain of timed waits: the k-th ends at chain + k x period (see Gil::entry_offset()).
  double chain = sg4::Engine::get_clock() + entry_offset(thread);
  double k = 0;
  const bool scheduled = machine_.scheduled();
  while (locked_) {
    const uint64_t saved_switch_number = switch_number_;
    ++cond_waiters_;
    os::block();  // drop() needs the mutex we hold to unlock the GIL: nothing changed meanwhile
    const std::cv_status status = cond_->wait_until(lock, chain + ++k * wait_period());
    --cond_waiters_;
    if (status == std::cv_status::no_timeout) {
      // Signalled by drop(): the OS takes a while to run the woken thread, and the GIL may be
      // taken by someone else meanwhile (which is why FORCE_SWITCHING exists).
      lock.unlock();
      os::wake(WakeKind::Task, signaller_, wakeup_latency(thread));
      lock.lock();
      chain = sg4::Engine::get_clock() + entry_offset(thread);
      k = 0;
      continue;
    }
    if (scheduled) {
      // The timer fired (an interrupt): the thread checks the GIL once it runs, and its next
      // timed wait, a full interval, begins then (COND_TIMED_WAIT computes it from now).
      lock.unlock();
      os::wake(WakeKind::Timer, -1, 0);
      lock.lock();
      chain = sg4::Engine::get_clock();
      k = 0;
    }
    if (locked_ && switch_number_ == saved_switch_number) {
      request_drop();
      drop_requested = true;
    }
  }
  take_locked(thread, drop_requested);
}

void ReferenceGil::take_locked(int thread, bool drop_requested) {
  locked_ = true;
  if (last_holder_ != thread) {
    last_holder_ = thread;
    ++switch_number_;
    count_switch(thread, sg4::Engine::get_clock());
  }
  // FORCE_SWITCHING: release a dropper waiting for this switch (signalling nobody is a no-op).
  if (switch_waiters_ > 0) switch_cond_->notify_one();
  if (drop_requested) drop_request_ = false;  // RESET_GIL_DROP_REQUEST
}

void ReferenceGil::drop(int thread, bool final_release) { release(thread, final_release, false); }

void ReferenceGil::release(int thread, bool final_release, bool on_request) {
  // Under the EEVDF scheduler a waiter tells the OS it blocks (a simcall) between its check and
  // its wait, with the mutex held: the unlock and the signal take the mutex, as CPython's do,
  // so that the signal cannot fall in between.
  std::unique_lock<sg4::Mutex> guard(*mutex_, std::defer_lock);
  if (machine_.scheduled()) guard.lock();
  locked_ = false;
  dropped(thread, sg4::Engine::get_clock(), on_request);
  forget_eval_breaker();
  if (cond_waiters_ > 0) {
    signaller_ = thread;
    cond_->notify_one();
  }
  if (guard.owns_lock()) guard.unlock();
  if (!final_release && drop_request_ && last_holder_ == thread) {
    // FORCE_SWITCHING: do not re-take the GIL before another thread has had it.
    drop_request_ = false;
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    ++switch_waiters_;
    const bool waits = last_holder_ == thread;
    if (waits) os::block();
    while (last_holder_ == thread) switch_cond_->wait(lock);
    --switch_waiters_;
    lock.unlock();
    if (waits || !machine_.scheduled()) os::wake(WakeKind::Task, last_holder_, wakeup_latency(thread));
  }
}

void ReferenceGil::yield(int thread) {
  release(thread, false, true);
  take(thread);
}

void ReferenceGil::run_python(int thread, double work, const StateChange& enter) {
  while (work > 0) {
    enter(ThreadState::Python);
    if (run_bytecode(thread, work, work)) return;
    enter(ThreadState::GilWait);  // a drop request stopped it at an eval-breaker check
    yield(thread);
  }
}

bool ReferenceGil::run_bytecode(int thread, double work, double& left) {
  const double started = sg4::Engine::get_clock();
  CpuJobPtr job = machine_.start(thread, work);
  if (!drop_request_) {
    waiting_holder_ = thread;
    const Machine::Wake wake = machine_.wait_until(job, std::numeric_limits<double>::infinity(), doorbell(thread));
    waiting_holder_ = -1;
    if (wake == Machine::Wake::Completed) return true;
  }
  if (!reach_eval_breaker(job, std::max(request_time_, started)) || !machine_.stop(job)) return true;
  left = job->interrupted_work;
  return false;
}

}  // namespace gilsim
