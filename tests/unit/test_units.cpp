#include <doctest/doctest.h>

#include "sim/util/Units.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;

TEST_CASE("durations parse with every documented unit") {
  // Exact but for floating-point rounding (Approx's default accepted +-12 us: 0 for "250ns").
  CHECK_REL(*parse_duration("10ms"), 0.010, 1e-12);
  CHECK_REL(*parse_duration("1.5s"), 1.5, 1e-12);
  CHECK_REL(*parse_duration("200us"), 200e-6, 1e-12);
  CHECK_REL(*parse_duration("250ns"), 250e-9, 1e-12);
  CHECK_REL(*parse_duration("2min"), 120.0, 1e-12);
  CHECK_REL(*parse_duration("1h"), 3600.0, 1e-12);
}

TEST_CASE("durations without a unit or with an unknown unit are rejected") {
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("5 parsecs"));
  CHECK_FALSE(parse_duration("fast"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("ms"));
}

TEST_CASE("sizes parse decimal and binary units") {
  CHECK_ABS(*parse_size("64KiB"), 65536.0, 0);  // whole bytes, exact (Approx accepted +-12.8 KB on 1 GiB)
  CHECK_ABS(*parse_size("10MB"), 1e7, 0);
  CHECK_ABS(*parse_size("1GiB"), 1073741824.0, 0);
  CHECK_FALSE(parse_size("10 bananas"));
}

TEST_CASE("durations format with the largest unit that keeps the value above one") {
  CHECK(format_duration(1.5) == "1.5s");
  CHECK(format_duration(0.005) == "5ms");
  CHECK(format_duration(200e-6) == "200us");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(3e-9) == "3ns");
}
