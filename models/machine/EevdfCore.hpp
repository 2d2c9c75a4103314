#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/scenario/MachineConfig.hpp"

namespace gilsim {

// What woke a task, which decides where it goes and whether it may preempt (research notes:
// select_task_rq_fair(), check_preempt_wakeup_fair()).
enum class WakeKind {
  Timer,  // a timed wait or sleep expired: hard irq on the CPU where it was armed
  Task,   // a futex wake by another task (a condition signal, a lock release): task context
  Sync,   // a pipe or socket wake-up (WF_SYNC): the waker is about to sleep
  Fork,   // a new task (thread or process start)
};

// How the CPU came to switch, which decides how soon `next` runs.
enum class SwitchCause {
  Local,   // on the CPU itself: a task blocked or a tick or timer fired there (a context switch)
  Idle,    // an idle CPU woken by another one (an IPI and the exit from its idle state)
  Remote,  // a busy CPU preempted by a wake-up from another one (an IPI, then a context switch)
};

// One change of what a CPU runs: `prev` stops (-1: the CPU was idle) and `next` starts (-1: it
// goes idle).
struct CpuSwitch {
  int cpu;
  int prev;
  int next;
  SwitchCause cause;
};

// Linux's EEVDF scheduler (kernel/sched/fair.c, 6.6 to 6.18) for tasks of nice 0, as pure logic:
// per-CPU run queues with virtual runtimes, lag, virtual deadlines, the tick (a slice's end is
// seen only at a tick or another event on that CPU), RUN_TO_PARITY's protected slice, wake-up
// preemption, placement of a woken task (idle CPUs first) and newly-idle pulls. Time is in
// seconds. Every call that changes what runs returns the switches it made, which the machine
// applies to the SimGrid executions. The README's "Machine and OS scheduler" lists what is
// simplified (no periodic load balancing, no groups, no custom slices or nice values).
class EevdfCore {
 public:
  EevdfCore(const SchedulerConfig& config, int cores, int smt);

  // A task that may run on `allowed` (logical CPUs; empty: all). Ids are dense, from 0.
  int add_task(const std::vector<int>& allowed);
  void set_allowed(int task, const std::vector<int>& allowed);
  const std::vector<int>& allowed(int task) const { return tasks_[static_cast<std::size_t>(task)].allowed; }

  std::vector<CpuSwitch> wake(int task, double now, WakeKind kind, int waker = -1);
  std::vector<CpuSwitch> block(int task, double now);
  std::vector<CpuSwitch> exit(int task, double now);  // a task that ends: it never comes back
  // The periodic tick on every CPU with more than one queued task.
  std::vector<CpuSwitch> tick(double now);
  // Newly-idle CPUs that could not pull a cache-hot task retry when it has cooled down.
  std::vector<CpuSwitch> retry_pulls(double now);
  // Some CPU has more than one queued task: its ticks matter.
  bool contended() const;
  // The next instant retry_pulls() may move a task (infinity: none).
  double next_pull(double now) const;

  bool running(int task) const { return tasks_[static_cast<std::size_t>(task)].running; }
  // Runnable but not running: queued behind another task.
  bool waiting(int task) const {
    const Task& t = tasks_[static_cast<std::size_t>(task)];
    return t.queued && !t.running && !t.delayed;
  }
  int cpu_of(int task) const { return tasks_[static_cast<std::size_t>(task)].cpu; }
  int current(int cpu) const { return cpus_[static_cast<std::size_t>(cpu)].curr; }
  int queued(int cpu) const { return static_cast<int>(cpus_[static_cast<std::size_t>(cpu)].queue.size()); }
  int core_of(int cpu) const { return cpu % cores_; }
  int logical_cpus() const { return static_cast<int>(cpus_.size()); }
  double slice() const { return slice_; }

  // Lag differences below `tolerance` count as none: they come from the tie-breaking offsets
  // gilsim adds to timers (runtime.gil.tie_jitter), not from the kernel's accounting.
  void set_lag_tolerance(double tolerance) { tolerance_ = tolerance; }

  // For tests: a task's virtual runtime, deadline and lag as the kernel keeps them.
  double vruntime(int task) const { return tasks_[static_cast<std::size_t>(task)].v; }
  double deadline(int task) const { return tasks_[static_cast<std::size_t>(task)].deadline; }
  double avg_vruntime(int cpu) const;

 private:
  static constexpr double kNever = std::numeric_limits<double>::infinity();
  struct Task {
    std::vector<int> allowed;
    double v = 0;         // virtual runtime: CPU time (nice 0)
    double deadline = 0;  // virtual deadline: v + slice when last renewed
    double vlag = 0;      // V - v when it blocked (kept across the sleep: PLACE_LAG)
    double vprot = 0;     // protected until v reaches it (RUN_TO_PARITY)
    int cpu = -1;         // the run queue it is on, or last was (prev_cpu)
    bool queued = false;
    bool delayed = false;  // blocked while ineligible: stays queued to burn off its negative lag
    bool running = false;
    bool alive = true;
    double stopped_at = -kNever;  // when it last stopped running (cache hotness)
  };
  struct Cpu {
    std::vector<int> queue;  // queued tasks, the current and delayed ones included
    int curr = -1;
    double exec_start = 0;   // accounted up to here
    double empty_v = 0;      // where a task is placed on an empty queue
  };

  bool allowed_on(const Task& t, int cpu) const;
  // When a task that stopped running stops being cache-hot (task_hot()). The pull and the time of
  // the next pull use this one expression: computing it two ways (now - stopped_at < cost, and
  // stopped_at + cost) differs by an ulp, and a pull due at that instant then never happened.
  double cache_cold_at(const Task& t) const { return t.stopped_at + config_.migration_cost; }
  // update_curr(): the current task's runtime up to `now`, with the deadline renewals the ticks
  // since the last update made; true if one renewed it (the slice ended).
  bool update_curr(int cpu, double now);
  bool eligible(int cpu, int task) const;
  // pick_eevdf(): the eligible task with the earliest deadline; with `protect`, the current task
  // while its protected slice lasts. Delayed tasks it meets are dequeued (it picks again).
  int pick(int cpu, bool protect);
  void dequeue(int cpu, int task, bool keep_lag);
  void place(int cpu, int task, bool initial);
  // Runs `next` on `cpu` (the current task, if any, stays queued) and records the switch.
  void switch_to(int cpu, int next, double now, std::vector<CpuSwitch>& out);
  // After the current task left: the next pick, or a pull from another CPU, or idle.
  void schedule(int cpu, double now, std::vector<CpuSwitch>& out);
  bool pull(int cpu, double now, std::vector<CpuSwitch>& out);
  int select_cpu(const Task& t, WakeKind kind, int waker) const;
  bool idle(int cpu) const { return cpus_[static_cast<std::size_t>(cpu)].curr < 0; }
  bool core_idle(int core) const;

  SchedulerConfig config_;
  int cores_;
  int smt_;
  double slice_;
  double lag_limit_;
  double tolerance_ = 0;  // lag below this is not told apart from 0 (see set_lag_tolerance())
  std::vector<Task> tasks_;
  std::vector<Cpu> cpus_;
};

}  // namespace gilsim
