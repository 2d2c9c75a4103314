#include "models/python/WaiterRing.hpp"

#include <algorithm>
#include <cmath>

namespace gilsim {

WaiterRing::End WaiterRing::next_end(int thread, double chain, double t) const {
  double k = std::max(1.0, std::floor((t - chain) / period_) + 1);
  while (chain + k * period_ <= t) ++k;
  while (k > 1 && chain + (k - 1) * period_ > t) --k;
  return End{thread, chain + k * period_, k};
}

WaiterRing::End WaiterRing::earliest_after(double t, int later) const {
  End best;
  scan_from(
      t, later,
      [&](const End& end) {
        if (end.at < best.at || (end.at == best.at && end.thread < best.thread)) best = end;
      },
      [&](double distance) { return distance <= best.at - t; });
  return best;
}

void WaiterRing::move_all_to(WaiterRing& other) {
  other.waiters_.insert(waiters_.begin(), waiters_.end());
  waiters_.clear();
}

}  // namespace gilsim
