#pragma once
#include <memory>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/machine/CpuJob.hpp"
#include "models/machine/CpuScheduler.hpp"
#include "models/machine/Doorbell.hpp"
#include "sim/scenario/MachineConfig.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {


// The OS scheduler: physical cores with SMT siblings. One SimGrid host per physical core with
// core_count = smt and one pstate per number of busy siblings, so a core running k threads
// delivers the measured SMT throughput (DESIGN.md section 4). Placement follows Linux: idle
// physical cores first, then siblings, then fair time-sharing; when a job ends, one job moves
// from the busiest core to the idlest (idle balancing) so loads never differ by more than one.
//
// With machine.scheduler: eevdf, a CpuScheduler decides instead which thread runs on each
// logical CPU (models/machine/CpuScheduler.*): jobs then run only while their thread does.
class Machine {
 public:
  Machine(const MachineConfig& config, Timeline& timeline);
  ~Machine();

  // `allowed`: per Python thread, the logical CPUs it may run on (empty: all); used by the
  // EEVDF scheduler.
  // `lag_tolerance`: the timers' tie-breaking offsets (runtime.gil.tie_jitter), below which the
  // EEVDF model does not tell lags apart.
  void build(simgrid::s4u::NetZone* zone, const std::vector<std::vector<int>>& allowed = {}, double lag_tolerance = 0);
  bool scheduled() const { return scheduler_ != nullptr; }
  // Why the OS scheduler model stopped the simulation (an internal error), or "".
  std::string scheduler_failure() const;

  // The OS side of a Python thread (no-ops under fair sharing; see models/machine/OsThreads.hpp).
  void thread_starts(int thread, int parent);
  void thread_blocks(int thread);
  void thread_wakes(int thread, WakeKind kind, int waker);
  void thread_exits(int thread);
  // Told when the thread gets or loses its CPU (a preempted thread waits for one).
  void on_cpu_change(int thread, std::function<void(bool running)> listener);
  // Runs `work` for `thread` from another actor (a child process booting before its threads run).
  void run_on_behalf(int thread, double work);
  simgrid::s4u::Host* any_host() const { return hosts_.front(); }
  // A doorbell for an actor to wait on beside its jobs (see wait_until()).
  Doorbell make_doorbell() const { return Doorbell(doorbell_host_); }

  // Starts `work` seconds of single-core work for `thread`.
  CpuJobPtr start(int thread, double work);
  // Runs work to completion (not interruptible).
  void run(int thread, double work);
  // Runs `work` split evenly over `parts` parallel jobs (a native call's internal threads).
  void run_parallel(int thread, double work, int parts);
  // Blocks until the job completes.
  void wait(const CpuJobPtr& job);
  enum class Wake { Completed, Deadline, Rung };
  // Waits until the job completes, the simulated clock reaches `deadline` (infinity: none) or
  // `bell` rings; only a completed job is finished. Cancelling a waited-on job would throw in the
  // waiter, and SimGrid exceptions capture a backtrace (~7 us).
  Wake wait_until(const CpuJobPtr& job, double deadline, Doorbell& bell);
  // Cancels a job nobody waits on, remembering the work left. Returns false (and finishes the
  // job normally) if it completed at this very instant.
  bool stop(const CpuJobPtr& job);
  // Suspends a job nobody waits on, keeping its remaining work in the exec for resume(): the
  // cheap way to interrupt work that will continue (one simcall, no new exec). Returns false (and
  // finishes the job normally) if it completed at this very instant.
  bool pause(const CpuJobPtr& job);
  // Places a paused job on a core again, as start() places a new one.
  void resume(const CpuJobPtr& job);

  static constexpr double kFlopsPerWorkSecond = gilsim::kFlopsPerWorkSecond;

 private:
  void finish(const CpuJobPtr& job);
  Wake wait_for_job(const CpuJobPtr& job, double deadline, Doorbell& bell);
  void finish_in_kernel(const CpuJobPtr& job);
  // In kernel context (see KernelCall.hpp): has the job's exec run out at this very instant?
  // It then still reads STARTED until its owner wakes up, and must be collected, not touched.
  static bool ran_out(const CpuJob& job);
  int pick_core(int thread) const;
  void place(const CpuJobPtr& job, int core);
  void unplace(const CpuJobPtr& job);
  void apply_pstates();
  // Moves jobs until core loads differ by at most one (Linux idle balancing).
  void rebalance();

  MachineConfig config_;
  Timeline& timeline_;
  std::vector<simgrid::s4u::Host*> hosts_;
  simgrid::s4u::Host* doorbell_host_ = nullptr;
  std::vector<std::vector<CpuJobPtr>> running_;  // per core, the jobs on it
  std::vector<std::vector<bool>> slot_used_;     // per core, display slots in use
  std::vector<int> last_core_;                   // per thread, for cache affinity
  std::unique_ptr<CpuScheduler> scheduler_;      // machine.scheduler: eevdf
};

}  // namespace gilsim
