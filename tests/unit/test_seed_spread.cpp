// --seeds' statistics (sim/trace/SeedSpread): Student's t quantiles, the mean and 95% confidence
// interval of known values, and the tie band, against hand-computed figures.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/trace/SeedSpread.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

TEST_CASE("student_t_quantile gives the two-sided 95% t of the printed tables") {
  // t(0.975, nu) from a standard table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2): 12.706 for
  // 1 degree of freedom, 4.303 for 2, 2.776 for 4, 2.262 for 9, 2.045 for 29, 1.984 for 100.
  CHECK_ABS(student_t_quantile(0.95, 1), 12.706, 5e-4);
  CHECK_ABS(student_t_quantile(0.95, 2), 4.303, 5e-4);
  CHECK_ABS(student_t_quantile(0.95, 4), 2.776, 5e-4);
  CHECK_ABS(student_t_quantile(0.95, 9), 2.262, 5e-4);
  CHECK_ABS(student_t_quantile(0.95, 29), 2.045, 5e-4);
  CHECK_ABS(student_t_quantile(0.95, 100), 1.984, 5e-4);
  // Negative control: the normal quantile 1.960, what a z interval would use, is not t(4).
  CHECK_FALSE(Tolerance::absolute(2.776, 5e-4).accepts(1.960));
}

TEST_CASE("spread_of: mean ± t(0.975, n-1) s / sqrt(n), with the sample standard deviation") {
  // 1, 2, 3, 4, 5: mean 3; squares of the deviations 4 + 1 + 0 + 1 + 4 = 10, s^2 = 10 / 4 = 2.5,
  // s = 1.581139; half width = 2.776445 x 1.581139 / sqrt(5) = 2.776445 x 0.707107 = 1.963243.
  const Spread s = spread_of({1, 2, 3, 4, 5});
  CHECK_ABS(s.mean, 3.0, 1e-12);
  CHECK_ABS(s.half_width, 1.963243, 1e-6);
  CHECK_ABS(s.low(), 1.036757, 1e-6);
  CHECK_ABS(s.high(), 4.963243, 1e-6);
  CHECK(s.values == std::vector<double>{1, 2, 3, 4, 5});
  // Negative controls: the population deviation (divisor n: s = sqrt(2) = 1.414214, half width
  // 2.776445 x 1.414214 / sqrt(5) = 1.755978) and the normal quantile (1.959964 x 0.707107 =
  // 1.385904) both give other figures, which the check above refuses.
  CHECK_FALSE(Tolerance::absolute(1.963243, 1e-6).accepts(1.755978));
  CHECK_FALSE(Tolerance::absolute(1.963243, 1e-6).accepts(1.385904));
  // Two values 10 and 12: mean 11, s = sqrt(2) = 1.414214, t(0.975, 1) = 12.706205:
  // half width 12.706205 x 1.414214 / sqrt(2) = 12.706205.
  CHECK_ABS(spread_of({10, 12}).half_width, 12.706205, 1e-5);
  // Equal values: no spread.
  CHECK(spread_of({7, 7, 7}).half_width == 0);
  // One value: its mean, and no interval to measure.
  CHECK(spread_of({4}).mean == 4);
  CHECK(spread_of({4}).half_width == 0);
}

namespace {
Spread interval(double mean, double half) {
  Spread s;
  s.mean = mean;
  s.half_width = half;
  return s;
}
}  // namespace

TEST_CASE("the tie band: intervals that overlap the best one's are tied, the others are not") {
  // best 10 ± 1 = [9, 11]; 11.5 ± 1 = [10.5, 12.5] overlaps it (10.5 <= 11): tied;
  // 12.5 ± 1 = [11.5, 13.5] does not (11.5 > 11): apart, although it overlaps the tied one.
  const Spread best = interval(10, 1), close = interval(11.5, 1), far = interval(12.5, 1);
  CHECK(rank_lowest_with_ties({&close, &best, &far}) ==
        std::vector<TieRank>{TieRank::Tied, TieRank::Best, TieRank::Apart});
  CHECK(has_tie(rank_lowest_with_ties({&close, &best, &far})));
  // Negative control: without the close one, nothing is tied.
  CHECK(rank_lowest_with_ties({&best, &far}) == std::vector<TieRank>{TieRank::Best, TieRank::Apart});
  CHECK_FALSE(has_tie(rank_lowest_with_ties({&best, &far})));
  // Touching intervals share a point: [9, 11] and [11, 13] are tied.
  const Spread touching = interval(12, 1);
  CHECK(rank_lowest_with_ties({&best, &touching}) == std::vector<TieRank>{TieRank::Best, TieRank::Tied});
  // The lowest mean is the best even when listed last; equal means: the first listed.
  CHECK(rank_lowest_with_ties({&far, &best}) == std::vector<TieRank>{TieRank::Apart, TieRank::Best});
  const Spread twin = interval(10, 1);
  CHECK(rank_lowest_with_ties({&best, &twin}) == std::vector<TieRank>{TieRank::Best, TieRank::Tied});
  // A missing spread (a failed run) takes no part.
  CHECK(rank_lowest_with_ties({nullptr, &far}) == std::vector<TieRank>{TieRank::Apart, TieRank::Best});
}
