#pragma once
#include <utility>
#include <vector>

namespace gilsim {

// How long a blocked process takes to run once woken, by how long it had been blocked. On VMs
// the wake-up grows with the time the CPU spent idle (the guest halts it, the host deschedules
// the vCPU): scripts/record.py calibrate measures it after 100 us, 1 ms and 10 ms blocked.
// Between measured points the latency is interpolated linearly in log(blocked); outside them it
// is the nearest point's. One point is a constant.
class WakeupCurve {
 public:
  WakeupCurve() = default;
  explicit WakeupCurve(double constant) : points_{{1.0, constant}} {}
  // (blocked seconds > 0, latency seconds >= 0), in increasing blocked time, at least one.
  explicit WakeupCurve(std::vector<std::pair<double, double>> points) : points_(std::move(points)) {}

  double latency(double blocked) const;
  const std::vector<std::pair<double, double>>& points() const { return points_; }

 private:
  std::vector<std::pair<double, double>> points_{{1.0, 0.0}};
};

}  // namespace gilsim
