#pragma once

namespace gilsim {

struct AsyncioConfig {
  // Python run by the event loop per task step (Handle._run, Task.__step, coroutine.send):
  // README "asyncio".
  double task_step_overhead = 15e-6;
};

}  // namespace gilsim
