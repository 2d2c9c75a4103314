// The explicit-tolerance checks (tests/support/Tolerance.hpp), against the doctest::Approx they replace.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "tests/support/Tolerance.hpp"

using gilsim::testing::Tolerance;

TEST_CASE("a relative tolerance scales with the expected value, down to small ones") {
  // 5.105 ms +- 1%: +-51.05 us.
  CHECK(Tolerance::relative(5.105e-3, 0.01).accepts(5.105e-3 + 51e-6));
  CHECK(Tolerance::relative(5.105e-3, 0.01).accepts(5.105e-3 - 51e-6));
  CHECK_FALSE(Tolerance::relative(5.105e-3, 0.01).accepts(5.105e-3 + 52e-6));
  CHECK_FALSE(Tolerance::relative(5.105e-3, 0.01).accepts(5.105e-3 - 52e-6));
  // What the Approx it replaces accepted: epsilon 0.02 x (1 + 5 ms) ~ +-20 ms.
  CHECK(25e-3 == doctest::Approx(5.105e-3).epsilon(0.02));
  CHECK_FALSE(Tolerance::relative(5.105e-3, 0.02).accepts(25e-3));
  // Approx's default epsilon (1.2e-5 absolute below 1) takes 0 for 10 us; a relative check does not.
  CHECK(0.0 == doctest::Approx(10e-6));
  CHECK_FALSE(Tolerance::relative(10e-6, 1e-9).accepts(0.0));
  // A negative expected value: the bound is on its magnitude.
  CHECK(Tolerance::relative(-0.4, 0.01).accepts(-0.4039));
  CHECK_FALSE(Tolerance::relative(-0.4, 0.01).accepts(-0.4041));
}

TEST_CASE("an absolute tolerance is the same at every scale, bounds inclusive - 0 asks for equality") {
  CHECK(Tolerance::absolute(1.0, 0.25).accepts(1.25));  // 0.25 is exact in binary
  CHECK(Tolerance::absolute(1.0, 0.25).accepts(0.75));
  CHECK_FALSE(Tolerance::absolute(1.0, 0.25).accepts(1.2500001));
  CHECK(Tolerance::absolute(0.1, 0).accepts(0.1));
  CHECK_FALSE(Tolerance::absolute(0.1, 0).accepts(std::nextafter(0.1, 1.0)));
}

TEST_CASE("NaN is never accepted, nor anything under a negative tolerance") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(Tolerance::absolute(1.0, 1e9).accepts(nan));
  CHECK_FALSE(Tolerance::relative(nan, 1.0).accepts(1.0));
  CHECK_FALSE(Tolerance::absolute(1.0, -1.0).accepts(1.0));
}

TEST_CASE("a failed check prints the actual value, the expected one, the tolerance and the difference") {
  std::ostringstream relative, absolute;
  relative << Tolerance::relative(5.105e-3, 0.01).check(5.3e-3);
  CHECK(relative.str() == "actual 0.0053 NOT within 0.005105 +- 5.105e-05 (relative 0.01): off by +0.000195");
  absolute << Tolerance::absolute(0.05, 1e-6).check(0.0500005);
  CHECK(absolute.str() == "actual 0.0500005 within 0.05 +- 1e-06 (absolute): off by +5e-07");
  CHECK_REL(5.105e-3 + 51e-6, 5.105e-3, 0.01);
  CHECK_ABS(0.0500005, 0.05, 1e-6);
}
