#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `--seeds N` (README "Seeds: intervals and ties"): the same scenario run with runtime.seed,
// seed+1, ..., seed+N-1, each figure reported as its mean over the seeds with a 95% confidence
// interval for that mean.
constexpr int kMinSeeds = 2;     // an interval needs a spread: at least two values
constexpr int kMaxSeeds = 1000;  // every seed is a whole simulation
constexpr double kConfidence = 0.95;

// The N of `--seeds N` (gilsim run and gilsim sweep): an integer from kMinSeeds to kMaxSeeds, or a
// ScenarioError "--seeds TEXT: error: expected the number of seeds, ...".
int parse_seed_count(const std::string& text);

// The two-sided `confidence` quantile of Student's t with `degrees_of_freedom`: t such that
// P(|T| <= t) = confidence (2.262 for 95% and 9 degrees of freedom). Exact, from Boost.Math's
// inverse of the t distribution (boost/math/distributions/students_t.hpp).
double student_t_quantile(double confidence, int degrees_of_freedom);

// The mean of N values and the half width of its 95% confidence interval, Student's t with N - 1
// degrees of freedom: mean ± t(0.975, N-1) * s / sqrt(N), s the sample standard deviation
// (divisor N - 1). With one value the half width is 0 (no spread to measure).
struct Spread {
  double mean = 0;
  double half_width = 0;
  std::vector<double> values;  // one per seed, in seed order

  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  // The two intervals share at least one point: the seeds cannot tell the two means apart.
  bool overlaps(const Spread& other) const;
};
Spread spread_of(const std::vector<double>& values);

// How a variant compares with the best one (lowest mean) of a group: the best itself, tied with
// it (its interval overlaps the best one's), or apart. A single best with no tie is "fastest";
// with ties, the best and every tied one are reported as tied.
enum class TieRank { Apart, Best, Tied };
// One rank per spread; a null spread (a failed run) takes part in nothing and stays Apart. On
// equal means the first listed is the best.
std::vector<TieRank> rank_lowest_with_ties(const std::vector<const Spread*>& spreads);
// True when some spread of the group is Tied (then the best is reported as tied too).
bool has_tie(const std::vector<TieRank>& ranks);

}  // namespace gilsim
