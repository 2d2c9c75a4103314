#pragma once
#include <memory>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/machine/Doorbell.hpp"
#include "sim/scenario/MachineConfig.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// A piece of single-threaded work placed on a core: a running SimGrid exec plus where it runs.
struct CpuJob {
  simgrid::s4u::ExecPtr exec;
  int thread = -1;
  int core = -1;
  int slot = -1;
  double started = 0;           // when it started on its current core (for the core track)
  double interrupted_work = 0;  // work left when stop() cancelled it
  bool leaving = false;         // completed or cancelled: must not be migrated
};
using CpuJobPtr = std::shared_ptr<CpuJob>;

// The OS scheduler: physical cores with SMT siblings. One SimGrid host per physical core with
// core_count = smt and one pstate per number of busy siblings, so a core running k threads
// delivers the measured SMT throughput (DESIGN.md section 4). Placement follows Linux: idle
// physical cores first, then siblings, then fair time-sharing; when a job ends, one job moves
// from the busiest core to the idlest (idle balancing) so loads never differ by more than one.
class Machine {
 public:
  Machine(const MachineConfig& config, Timeline& timeline);

  void build(simgrid::s4u::NetZone* zone);
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

  // Work units: one second of work on a core of speed 1 is 1e9 flops.
  static constexpr double kFlopsPerWorkSecond = 1e9;

 private:
  void finish(const CpuJobPtr& job);
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
};

}  // namespace gilsim
