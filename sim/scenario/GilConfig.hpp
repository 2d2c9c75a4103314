#pragma once

namespace gilsim {

// Parameters of CPython's GIL (Python/ceval_gil.c). Defaults and sources: README "GIL".
struct GilConfig {
  double switch_interval = 5e-3;  // sys.getswitchinterval()
  double timer_slack = 50e-6;     // Linux default timer slack of a timed condvar wait
  double drop_latency = 5e-6;     // drop request -> holder's next eval-breaker check
  double wakeup_latency = 50e-6;  // condvar signal -> woken thread running
  double tie_jitter = 1e-6;       // seeded jitter added to each timed wait, breaks ties
};

}  // namespace gilsim
