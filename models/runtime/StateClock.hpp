#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "sim/timeline/ThreadStates.hpp"

namespace gilsim {

// The time one thread has spent in each state so far, fed piece by piece as its spans go by,
// with marks: the totals at a given moment, captured when the pieces reach it. A request's
// latency parts are differences of these totals (models/runtime/LoopRequests.hpp,
// models/steps/serve/ServeExecutor.cpp), so they cost nothing per span beyond one addition.
class StateClock {
 public:
  using Totals = std::array<double, kThreadStateCount>;

  // The thread was in `state` over [from, to); pieces are contiguous.
  void add(ThreadState state, double from, double to);
  const Totals& totals() const { return totals_; }
  double reported() const { return reported_; }  // the end of the last piece
  // The totals at time `at`, captured once the pieces reach it (at once if they did already).
  int64_t mark(double at);
  // The captured totals of a mark, which is then forgotten. A mark the pieces have not reached
  // yet gives the totals so far.
  Totals take_mark(int64_t id);

 private:
  Totals totals_{};
  double reported_ = 0;
  int64_t next_mark_ = 0;
  std::multimap<double, int64_t> pending_;  // by time
  std::unordered_map<int64_t, Totals> captured_;
};

}  // namespace gilsim
