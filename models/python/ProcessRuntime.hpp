#pragma once
#include <map>
#include <memory>
#include <string>

#include <simgrid/s4u.hpp>

#include "models/machine/Machine.hpp"
#include "models/python/ThreadingLock.hpp"
#include "models/python/ThreadingSemaphore.hpp"
#include "sim/scenario/SemaphoreSpec.hpp"

namespace gilsim {

// One process instance's shared state: its threading.Locks, and its life cycle when a parent
// starts it: threads wait until the child has booted, and the last thread to finish runs the
// interpreter's finalisation, after which the parent's join() returns.
class ProcessRuntime {
 public:
  // How its threading.Locks work: the Python version's kind, their waiters' wake-up and its
  // jitter (README "threading.Lock"), and the seed of their jitter streams.
  struct LockSettings {
    double wakeup_latency = 0;
    LockKind kind = LockKind::Semaphore;
    double jitter = 0;
    uint64_t seed = 0;
  };
  ProcessRuntime(std::string name, bool started_by_parent, int threads, const LockSettings& locks, double exit_work,
                 Machine& machine);

  // Locks are created before the simulation runs: creating one makes simcalls, and an actor
  // that yields halfway through a lazy creation lets another create a second lock.
  void add_lock(const std::string& name);
  ThreadingLock& lock(const std::string& name) { return *locks_.at(name); }
  // The same for the process's threading.Semaphores (workload.semaphores), each with the
  // Condition.wait() locks of the threads that acquire it (add_semaphore_user).
  void add_semaphore(const SemaphoreSpec& spec);
  void add_semaphore_user(const std::string& name, int thread);
  ThreadingSemaphore& semaphore(const std::string& name) { return *semaphores_.at(name); }

  // Child side: false when the process will never run (abandon()).
  bool wait_until_running();
  double launched_at() const { return launched_at_; }
  double ready_at() const { return ready_at_; }
  void thread_finished(int thread);

  // Parent side: Process.start() began at `now`; the child boots (`boot_work` of CPU on
  // `boot_thread`'s behalf, concurrently with the parent) and then runs its threads.
  void mark_launched(double now) { launched_at_ = now; }
  void launch(double boot_work, int boot_thread);
  void wait_exited();
  // A process pool that never needed this worker shut down: it will never be started.
  void abandon();
  bool abandoned() const { return abandoned_; }

 private:
  std::unique_ptr<ThreadingLock> make_semaphore_lock(const std::string& name);

  std::string name_;
  LockSettings lock_settings_;
  double exit_work_;
  Machine& machine_;
  std::map<std::string, std::unique_ptr<ThreadingLock>> locks_;
  std::map<std::string, std::unique_ptr<ThreadingSemaphore>> semaphores_;
  uint64_t semaphore_locks_ = 0;  // the locks made for semaphores so far: their jitter streams
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
  bool running_;
  bool exited_ = false;
  bool abandoned_ = false;
  int live_threads_;
  double launched_at_ = 0;
  double ready_at_ = 0;
};

}  // namespace gilsim
