#include "models/python/Gil.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

Gil::Gil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, bool enabled, Machine& machine,
         Timeline& timeline)
    : process_(process),
      config_(config),
      enabled_(enabled),
      rng_(Rng::for_stream(seed, 0x6111ULL + stream)),
      machine_(machine),
      timeline_(timeline),
      mutex_(sg4::Mutex::create()),
      cond_(sg4::ConditionVariable::create()),
      switch_cond_(sg4::ConditionVariable::create()) {}

double Gil::timed_wait_duration() {
  return config_.switch_interval + config_.timer_slack + config_.tie_jitter * rng_.uniform();
}

void Gil::request_drop() {
  // SET_GIL_DROP_REQUEST: the holder notices at its next eval-breaker check.
  drop_request_ = true;
  if (holder_job_) {
    CpuJobPtr job = std::move(holder_job_);
    machine_.interrupt(job);
  }
}

void Gil::take(int thread) {
  if (!enabled_) return;
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  bool drop_requested = false;
  while (locked_) {
    const uint64_t saved_switch_number = switch_number_;
    if (cond_->wait_for(lock, timed_wait_duration()) == std::cv_status::no_timeout) {
      // Signalled by drop(): the OS takes a while to run the woken thread, and the GIL may be
      // taken by someone else meanwhile (which is why FORCE_SWITCHING exists).
      lock.unlock();
      sg4::this_actor::sleep_for(config_.wakeup_latency);
      lock.lock();
      continue;
    }
    if (locked_ && switch_number_ == saved_switch_number) {
      request_drop();
      drop_requested = true;
    }
  }
  locked_ = true;
  if (last_holder_ != thread) {
    last_holder_ = thread;
    ++switch_number_;
    ++timeline_.gil_switches_in[thread];
    ++timeline_.process_gil_switches[process_];
  }
  switch_cond_->notify_one();  // FORCE_SWITCHING: release a dropper waiting for this switch
  if (drop_requested) drop_request_ = false;  // RESET_GIL_DROP_REQUEST
}

void Gil::drop(int thread, bool final_release) {
  if (!enabled_) return;
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  locked_ = false;
  holder_job_.reset();
  cond_->notify_one();
  if (!final_release && drop_request_ && last_holder_ == thread) {
    // FORCE_SWITCHING: do not re-take the GIL before another thread has had it.
    drop_request_ = false;
    while (last_holder_ == thread) switch_cond_->wait(lock);
    lock.unlock();
    sg4::this_actor::sleep_for(config_.wakeup_latency);
  }
}

}  // namespace gilsim
