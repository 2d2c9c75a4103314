#pragma once
#include <memory>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/machine/MachineConfig.hpp"
#include "sim/trace/Timeline.hpp"

namespace gilsim {

// A piece of single-threaded work placed on a core: a running SimGrid exec plus where it runs.
struct CpuJob {
  simgrid::s4u::ExecPtr exec;
  int thread = -1;
  int core = -1;
  int slot = -1;
  double started = 0;           // when it started on its current core (for the core track)
  double interrupted_work = 0;  // work left when interrupt() cancelled it
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

  // Starts `work` seconds of single-core work for `thread`.
  CpuJobPtr start(int thread, double work);
  // Runs work to completion (not interruptible).
  void run(int thread, double work);
  // Runs `work` split evenly over `parts` parallel jobs (a native call's internal threads).
  void run_parallel(int thread, double work, int parts);
  // Blocks until the job completes; returns false if it was interrupted.
  bool wait(const CpuJobPtr& job);
  // Cancels a running job, remembering the work left; its wait() returns false.
  void interrupt(const CpuJobPtr& job);

  // Work units: one second of work on a core of speed 1 is 1e9 flops.
  static constexpr double kFlopsPerWorkSecond = 1e9;

 private:
  void finish(const CpuJobPtr& job);
  int pick_core(int thread) const;
  void place(const CpuJobPtr& job, int core);
  void unplace(const CpuJobPtr& job);
  void apply_pstates();
  // Moves jobs until core loads differ by at most one (Linux idle balancing).
  void rebalance();

  MachineConfig config_;
  Timeline& timeline_;
  std::vector<simgrid::s4u::Host*> hosts_;
  std::vector<std::vector<CpuJobPtr>> running_;  // per core, the jobs on it
  std::vector<std::vector<bool>> slot_used_;     // per core, display slots in use
  std::vector<int> last_core_;                   // per thread, for cache affinity
};

}  // namespace gilsim
