#pragma once

namespace gilsim {

struct MachineConfig {
  int cores = 8;            // physical cores
  int smt = 1;              // hardware threads per core
  double smt_yield = 1.25;  // throughput of a core with all siblings busy, relative to one
  double speed = 1.0;       // relative speed of one core; 1 = the machine durations refer to
};

}  // namespace gilsim
