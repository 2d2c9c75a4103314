#pragma once
#include <vector>

#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// How the OS shares CPUs between runnable threads (README "Machine and OS scheduler").
enum class SchedulerPolicy {
  Fair,   // processor sharing: every runnable thread progresses at once, a woken thread runs at once
  Eevdf,  // Linux's EEVDF (6.6+): per-CPU run queues, ticks, slices, lag, wake-up preemption
};

// The parameters of the EEVDF model (models/machine/RunQueue.*). Defaults: Linux 6.15+ with
// CONFIG_HZ=250, as Debian's and Ubuntu's kernels; sources in the README's table.
struct SchedulerConfig {
  SchedulerPolicy policy = SchedulerPolicy::Fair;
  double tick = 4e-3;         // 1 / CONFIG_HZ: a slice's end is seen only at a tick (HRTICK is off)
  double base_slice = 0;      // sysctl_sched_base_slice; 0: 0.7 ms x (1 + log2(min(CPUs, 8)))
  // A woken thread starts on an idle CPU this much later (IPI, idle exit), by how long the CPU
  // was idle: on VMs a vCPU idle longer sleeps deeper (the host deschedules it).
  WakeupCurve wakeup_idle{{{100e-6, 27e-6}, {1e-3, 50e-6}, {10e-3, 77e-6}}};
  double wakeup_remote = 35e-6;   // a wake-up that preempts a busy CPU from another one (an IPI)
  double context_switch = 4e-6;   // a CPU switching tasks itself (a block, a tick, a local wake-up)
  double migration_cost = 0.5e-3;  // sysctl_sched_migration_cost: a task that ran this recently is cache-hot
};

struct MachineConfig {
  int cores = 8;            // physical cores
  int smt = 1;              // hardware threads per core
  double smt_yield = 1.25;  // throughput of a core with all siblings busy, relative to one
  double speed = 1.0;       // relative speed of one core; 1 = the machine durations refer to
  SchedulerConfig scheduler;
  // The CPUs the whole program may use (taskset -c), as Linux numbers them: CPU c of core k is
  // sibling c / cores (cores, then their second siblings). Empty: every CPU.
  std::vector<int> cpus;
  int logical_cpus() const { return cores * smt; }
};

}  // namespace gilsim
