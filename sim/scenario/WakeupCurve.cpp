#include "sim/scenario/WakeupCurve.hpp"

#include <cmath>

namespace gilsim {

double WakeupCurve::latency(double blocked) const {
  if (blocked <= points_.front().first) return points_.front().second;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto& [b0, l0] = points_[i - 1];
    const auto& [b1, l1] = points_[i];
    if (blocked <= b1) return l0 + (l1 - l0) * std::log(blocked / b0) / std::log(b1 / b0);
  }
  return points_.back().second;
}

}  // namespace gilsim
