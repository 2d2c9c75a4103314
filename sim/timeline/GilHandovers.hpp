#pragma once
#include <cstdint>

namespace gilsim {

// One hand-over of a process's GIL (a take that grows CPython's gil->switch_number, after the
// process's first): `from` dropped it at `dropped`, `to` took it at `taken`.
// - forced: the holder dropped it at an eval-breaker check, answering the drop request that a
//   waiter set when its timed wait of the switch interval ran out with no switch meanwhile
//   (Python/ceval_gil.c: take_gil() sets gil_drop_request, the eval breaker calls drop_gil());
// - voluntary: the holder released it itself, in drop_gil() before a blocking call (io, sleep,
//   native code, a lock or queue wait: Py_BEGIN_ALLOW_THREADS) or at its exit, even with a drop
//   request pending.
// `waited` is how long `to` had been in take_gil() when it took the GIL: for a thread taking it
// back after a forced drop, from when it re-entered take_gil() (drop_gil() returned), not from
// its eval-breaker check.
struct GilHandover {
  int from = 0;  // global thread indices
  int to = 0;
  bool forced = false;
  double dropped = 0;
  double taken = 0;
  double waited = 0;
};

// A process's hand-overs by kind: forced + voluntary = its switches - 1 once it took the GIL at
// all (its first take has no dropper).
struct HandoverCounts {
  int64_t forced = 0;
  int64_t voluntary = 0;
};

}  // namespace gilsim
