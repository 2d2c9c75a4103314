#pragma once
#include <string>
#include <vector>

namespace gilsim {

// Event-loop lag (README "asyncio", Event-loop lag): how late an event loop ran its ready
// callbacks. One lag per task step the loop ran: from the moment the step became ready (the task
// was created, its timer fell due, its awaited I/O completed, its request arrived, or a lock,
// queue or executor woke it) to the moment the loop began running it.
struct LoopLagRecord {
  std::string loop;  // "process/thread": the thread whose asyncio.run() calls these are
  std::vector<double> lags;
};

}  // namespace gilsim
