#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <memory>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/machine/CpuJob.hpp"
#include "models/machine/EevdfCore.hpp"
#include "sim/scenario/MachineConfig.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// The EEVDF scheduler (machine.scheduler: eevdf) applied to SimGrid: every Python thread, and
// every internal thread of native code or a process's boot, is a task that EevdfCore places on
// one logical CPU at a time. A task's CPU job progresses only while the task runs; a task
// preempted or waiting for a CPU has its job paused (state cpu-wait). A woken thread's actor
// waits for its dispatch, then for the wake-up latency of the CPU it lands on. A daemon actor
// delivers the ticks and the idle CPUs' pulls.
class CpuScheduler {
 public:
  // `hosts`: one SimGrid host per physical core, with one pstate per number of busy siblings.
  // `threads`: the Python threads (tasks 0..n-1) with their allowed CPUs.
  CpuScheduler(const MachineConfig& config, Timeline& timeline, std::vector<simgrid::s4u::Host*> hosts,
               const std::vector<std::vector<int>>& allowed, double lag_tolerance);

  // An internal error that made the model stop the simulation (it could not make progress), or "".
  const std::string& failure() const { return failure_; }

  // Called with each task's running flag when it changes (a preempted thread waits for a CPU).
  using Listener = std::function<void(bool running)>;
  void set_listener(int task, Listener listener) { tasks_[static_cast<std::size_t>(task)].listener = std::move(listener); }

  // Actor side: the calling thread starts (placed as a new task), blocks, is woken, ends.
  void start_thread(int task, int parent);
  void block(int task);
  void wake(int task, WakeKind kind, int waker);
  void exit(int task);
  // Runs `work` split over `parts` new internal tasks shown as `owner`'s; `caller` (a task, or
  // -1 for an actor that is not one) blocks until all have ended.
  void run_parallel(int caller, int owner, double work, int parts);

  // The task's CPU job: it runs while the task runs.
  CpuJobPtr start(int task, double work);
  void finished(const CpuJobPtr& job);  // completed, or cancelled by its owner
  void finished_in_kernel(const CpuJobPtr& job);
  bool running(int task) const { return core_.running(task); }
  // The calling actor's task lost its CPU at the instant it went on (its job ended, a deadline
  // came): it waits until it runs again before it does anything.
  void ensure_running(int task);

 private:
  struct TaskState {
    int owner = -1;  // the Python thread shown on the core track
    CpuJobPtr job;
    bool job_running = false;
    simgrid::s4u::SemaphorePtr dispatch;
    bool waiting = false;  // its actor waits for `dispatch`
    double latency = 0;    // ... and then this long
    Listener listener;
  };

  int add_internal_task(int owner);
  // Applies what the core decided: pauses and resumes jobs, releases dispatched actors, core
  // tracks and SMT pstates; tells the ticker when its next event came earlier.
  void apply(const std::vector<CpuSwitch>& switches);
  void stop_running(int task, int cpu, double now);
  void start_running(int task, int cpu, SwitchCause cause, double now);
  // The calling actor waits until its task runs and its wake-up latency has passed.
  void await_dispatch(int task);
  void apply_pstates();
  // The next tick to deliver (its index in `index`), infinity when no CPU is contended.
  double next_tick(double now, int64_t& index) const;
  void ticker();
  void tick_forever(std::unique_lock<simgrid::s4u::Mutex>& lock);

  MachineConfig config_;
  Timeline& timeline_;
  std::vector<simgrid::s4u::Host*> hosts_;
  EevdfCore core_;
  std::vector<TaskState> tasks_;
  std::vector<double> idle_since_;    // per logical CPU (-1: busy)
  std::vector<double> span_start_;    // per logical CPU: when its current task started
  std::vector<int> running_jobs_;     // per physical core
  simgrid::s4u::MutexPtr ticker_mutex_;
  simgrid::s4u::ConditionVariablePtr ticker_wake_;
  std::string failure_;    // an internal error that stopped the simulation (failure())
  double ticker_at_ = -1;  // when the ticker will next act (-1: waiting without a deadline)
  int64_t last_tick_ = -1;  // the index of the last tick delivered (ticks at k x tick)
};

}  // namespace gilsim
