#include "sim/trace/SeedSpread.hpp"

#include <cmath>

// Header-only; the one use of Boost outside the command line (scripts/check_layers.py).
#include <boost/math/distributions/students_t.hpp>

#include "sim/util/ScenarioError.hpp"

namespace gilsim {

int parse_seed_count(const std::string& text) {
  const std::string where = "--seeds " + (text.empty() ? std::string("''") : text);
  const std::string expected = "expected the number of seeds, an integer from " + std::to_string(kMinSeeds) + " to " +
                               std::to_string(kMaxSeeds) + " (an interval needs at least 2; each seed is a whole run)";
  // At most 4 digits before std::stoi, so that it cannot overflow or throw.
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos)
    throw ScenarioError(where, expected);
  const int seeds = std::stoi(text);
  if (seeds < kMinSeeds || seeds > kMaxSeeds) throw ScenarioError(where, expected);
  return seeds;
}

double student_t_quantile(double confidence, int degrees_of_freedom) {
  const boost::math::students_t t(static_cast<double>(degrees_of_freedom));
  // Two-sided: (1 - confidence) / 2 in each tail, so the 0.975 quantile for 95%.
  return boost::math::quantile(t, 0.5 + confidence / 2);
}

bool Spread::overlaps(const Spread& other) const { return low() <= other.high() && other.low() <= high(); }

Spread spread_of(const std::vector<double>& values) {
  Spread s;
  s.values = values;
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  s.mean = sum / n;
  if (values.size() < 2) return s;
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  const double sd = std::sqrt(squares / (n - 1));
  s.half_width = student_t_quantile(kConfidence, static_cast<int>(values.size()) - 1) * sd / std::sqrt(n);
  return s;
}

std::vector<TieRank> rank_lowest_with_ties(const std::vector<const Spread*>& spreads) {
  std::vector<TieRank> ranks(spreads.size(), TieRank::Apart);
  const Spread* best = nullptr;
  std::size_t best_index = 0;
  for (std::size_t i = 0; i < spreads.size(); ++i)
    if (spreads[i] && (!best || spreads[i]->mean < best->mean)) {
      best = spreads[i];
      best_index = i;
    }
  if (!best) return ranks;
  for (std::size_t i = 0; i < spreads.size(); ++i)
    if (spreads[i] && i != best_index && spreads[i]->overlaps(*best)) ranks[i] = TieRank::Tied;
  ranks[best_index] = TieRank::Best;
  return ranks;
}

bool has_tie(const std::vector<TieRank>& ranks) {
  for (TieRank r : ranks)
    if (r == TieRank::Tied) return true;
  return false;
}

}  // namespace gilsim
