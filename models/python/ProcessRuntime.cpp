#include "models/python/ProcessRuntime.hpp"

#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ProcessRuntime::ProcessRuntime(std::string name, bool started_by_parent, int threads, const LockSettings& locks,
                               double exit_work, Machine& machine)
    : name_(std::move(name)),
      lock_settings_(locks),
      exit_work_(exit_work),
      machine_(machine),
      mutex_(sg4::Mutex::create()),
      changed_(sg4::ConditionVariable::create()),
      running_(!started_by_parent),
      live_threads_(threads) {}

void ProcessRuntime::add_lock(const std::string& name) {
  if (locks_.count(name)) return;
  const LockSettings& s = lock_settings_;
  // One jitter stream per lock, numbered in creation order (the same in every run).
  locks_[name] = std::make_unique<ThreadingLock>(name, WakeupCurve(s.wakeup_latency), s.kind, s.jitter,
                                                 Rng::for_stream(s.seed, locks_.size()));
}

std::unique_ptr<ThreadingLock> ProcessRuntime::make_semaphore_lock(const std::string& name) {
  const LockSettings& s = lock_settings_;
  // Streams of their own, numbered in creation order: the threading.Locks' streams stay as they were.
  return std::make_unique<ThreadingLock>(name, WakeupCurve(s.wakeup_latency), s.kind, s.jitter,
                                         Rng::for_stream(s.seed ^ 0x5E4A'0000'0000ULL, semaphore_locks_++));
}

void ProcessRuntime::add_semaphore(const SemaphoreSpec& spec) {
  if (semaphores_.count(spec.name)) return;
  semaphores_[spec.name] =
      std::make_unique<ThreadingSemaphore>(spec.name, spec.value, spec.bounded, make_semaphore_lock(spec.name + "._cond"));
}

void ProcessRuntime::add_semaphore_user(const std::string& name, int thread) {
  semaphores_.at(name)->add_thread(thread, make_semaphore_lock(name + " waiter"));
}

bool ProcessRuntime::wait_until_running() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  while (!running_ && !abandoned_) changed_->wait(lock);
  return running_;
}

void ProcessRuntime::abandon() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  abandoned_ = true;
  changed_->notify_all();
}

void ProcessRuntime::launch(double boot_work, int boot_thread) {
  sg4::Actor::create("boot " + name_, machine_.any_host(), [this, boot_work, boot_thread] {
    machine_.run_on_behalf(boot_thread, boot_work);
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    running_ = true;
    ready_at_ = sg4::Engine::get_clock();
    changed_->notify_all();
  });
}

void ProcessRuntime::thread_finished(int thread) {
  if (--live_threads_ > 0) return;
  machine_.run(thread, exit_work_);
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  exited_ = true;
  changed_->notify_all();
}

void ProcessRuntime::wait_exited() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  if (exited_) return;
  os::block();
  while (!exited_) changed_->wait(lock);
  if (os::scheduled()) {  // the child's exit wakes the joining thread
    lock.unlock();
    os::wake(WakeKind::Task, -1, 0);
  }
}

}  // namespace gilsim
