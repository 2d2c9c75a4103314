#include <doctest/doctest.h>

#include "sim/util/Units.hpp"

using namespace gilsim;

TEST_CASE("durations parse with every documented unit") {
  CHECK(*parse_duration("10ms") == doctest::Approx(0.010));
  CHECK(*parse_duration("1.5s") == doctest::Approx(1.5));
  CHECK(*parse_duration("200us") == doctest::Approx(200e-6));
  CHECK(*parse_duration("250ns") == doctest::Approx(250e-9));
  CHECK(*parse_duration("2min") == doctest::Approx(120.0));
  CHECK(*parse_duration("1h") == doctest::Approx(3600.0));
}

TEST_CASE("durations without a unit or with an unknown unit are rejected") {
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("5 parsecs"));
  CHECK_FALSE(parse_duration("fast"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("ms"));
}

TEST_CASE("sizes parse decimal and binary units") {
  CHECK(*parse_size("64KiB") == doctest::Approx(65536.0));
  CHECK(*parse_size("10MB") == doctest::Approx(1e7));
  CHECK(*parse_size("1GiB") == doctest::Approx(1073741824.0));
  CHECK_FALSE(parse_size("10 bananas"));
}

TEST_CASE("durations format with the largest unit that keeps the value above one") {
  CHECK(format_duration(1.5) == "1.5s");
  CHECK(format_duration(0.005) == "5ms");
  CHECK(format_duration(200e-6) == "200us");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(3e-9) == "3ns");
}
