#include <doctest/doctest.h>

#include <cmath>

#include "sim/scenario/WakeupCurve.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;

TEST_CASE("a wake-up curve is interpolated in log(blocked time) and flat beyond its points") {
  // Relative 1e-9: floating-point rounding only. (doctest::Approx's default accepted +-12 us,
  // as much as the smallest latency checked.)
  const WakeupCurve curve({{100e-6, 12e-6}, {1e-3, 45e-6}, {10e-3, 120e-6}});
  CHECK_REL(curve.latency(1e-6), 12e-6, 1e-9);  // shorter than the first point
  CHECK_REL(curve.latency(100e-6), 12e-6, 1e-9);
  // 316 us is half-way between 100 us and 1 ms on a log scale: (12 + 45) / 2 = 28.5 us.
  CHECK_REL(curve.latency(std::sqrt(100e-6 * 1e-3)), 28.5e-6, 1e-9);
  // 2 ms: 45 + (120 - 45) x log10(2) = 67.58 us.
  CHECK_REL(curve.latency(2e-3), 45e-6 + 75e-6 * std::log10(2.0), 1e-9);
  CHECK_REL(curve.latency(1.0), 120e-6, 1e-9);  // longer than the last point
  CHECK_REL(WakeupCurve(30e-6).latency(5.0), 30e-6, 1e-9);  // one value: a constant
}
