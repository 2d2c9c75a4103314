#include "models/runtime/StateClock.hpp"

#include <algorithm>

namespace gilsim {

void StateClock::add(ThreadState state, double from, double to) {
  const int s = static_cast<int>(state);
  while (!pending_.empty() && pending_.begin()->first <= to) {
    Totals at = totals_;
    at[static_cast<std::size_t>(s)] += std::max(0.0, pending_.begin()->first - from);
    captured_[pending_.begin()->second] = at;
    pending_.erase(pending_.begin());
  }
  totals_[static_cast<std::size_t>(s)] += to - from;
  reported_ = to;
}

int64_t StateClock::mark(double at) {
  const int64_t id = next_mark_++;
  if (at <= reported_) captured_[id] = totals_;
  else pending_.emplace(at, id);
  return id;
}

StateClock::Totals StateClock::take_mark(int64_t id) {
  auto found = captured_.find(id);
  if (found == captured_.end()) {
    for (auto p = pending_.begin(); p != pending_.end(); ++p)
      if (p->second == id) {
        pending_.erase(p);
        break;
      }
    return totals_;
  }
  const Totals totals = found->second;
  captured_.erase(found);
  return totals;
}

}  // namespace gilsim
