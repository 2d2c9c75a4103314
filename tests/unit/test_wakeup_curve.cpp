#include <doctest/doctest.h>

#include <cmath>

#include "sim/scenario/WakeupCurve.hpp"

using namespace gilsim;

TEST_CASE("a wake-up curve is interpolated in log(blocked time) and flat beyond its points") {
  const WakeupCurve curve({{100e-6, 12e-6}, {1e-3, 45e-6}, {10e-3, 120e-6}});
  CHECK(curve.latency(1e-6) == doctest::Approx(12e-6));    // shorter than the first point
  CHECK(curve.latency(100e-6) == doctest::Approx(12e-6));
  // 316 us is half-way between 100 us and 1 ms on a log scale: (12 + 45) / 2 = 28.5 us.
  CHECK(curve.latency(std::sqrt(100e-6 * 1e-3)) == doctest::Approx(28.5e-6));
  // 2 ms: 45 + (120 - 45) x log10(2) = 67.58 us.
  CHECK(curve.latency(2e-3) == doctest::Approx(45e-6 + 75e-6 * std::log10(2.0)));
  CHECK(curve.latency(1.0) == doctest::Approx(120e-6));  // longer than the last point
  CHECK(WakeupCurve(30e-6).latency(5.0) == doctest::Approx(30e-6));  // one value: a constant
}
