#pragma once
#include <memory>

#include <simgrid/s4u.hpp>

namespace gilsim {

// Work units: one second of work on a core of speed 1 is 1e9 flops.
inline constexpr double kFlopsPerWorkSecond = 1e9;

// A piece of single-threaded work placed on a core: a running SimGrid exec plus where it runs.
struct CpuJob {
  simgrid::s4u::ExecPtr exec;
  int thread = -1;  // the Python thread it works for (shown on the core track)
  int task = -1;    // the scheduler task that runs it (machine.scheduler: eevdf)
  int core = -1;
  int slot = -1;
  double started = 0;           // when it started on its current core (for the core track)
  double interrupted_work = 0;  // work left when stop() cancelled it
  bool leaving = false;         // completed or cancelled: must not be migrated
};
using CpuJobPtr = std::shared_ptr<CpuJob>;

}  // namespace gilsim
