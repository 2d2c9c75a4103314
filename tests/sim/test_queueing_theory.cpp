// Queueing theory where it applies exactly (README "Requests"): Poisson arrivals to one thread
// (M/D/1, M/M/1) and to a pool of threads whose service releases the GIL (M/M/c). Each run is
// 200,000 requests long with the default seed, so that the simulated mean is within 2% of the
// formula; each check has a negative control: the same check on a queue it does not describe
// must fail.
#include <doctest/doctest.h>

#include "sim/trace/LatencyStats.hpp"
#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

constexpr double kFormula = 0.02;  // the simulated mean against the formula

LatencyStats run(const std::string& file, const std::string& variant, const std::vector<Override>& overrides = {}) {
  const Summary s = simulate_summary(load_variant(file, variant, overrides));
  REQUIRE(s.latency.size() == 1);
  CHECK_FALSE(s.latency[0].saturated);
  return s.latency[0];
}

double mean_wait(const LatencyStats& l) { return l.mean_parts[static_cast<int>(RequestPart::Queue)]; }

bool within(double actual, double expected) { return Tolerance::relative(expected, kFormula).accepts(actual); }

// M/D/1 at lambda = 50/s, D = 10 ms (mu = 100/s, rho = 0.5), Pollaczek-Khinchine:
// Wq = rho / (2 mu (1 - rho)) = 0.5 / (2 x 100 x 0.5) = 5 ms.
constexpr double kMd1Wait = 0.5 / (2 * 100 * 0.5);
// M/M/1 at lambda = 50/s, mu = 100/s: W = 1 / (mu - lambda) = 1 / 50 = 20 ms.
constexpr double kMm1Response = 1.0 / (100 - 50);

// Erlang C for c servers at offered load a = lambda / mu:
// C(c, a) = (a^c / c! * c / (c - a)) / (sum_{k<c} a^k / k! + a^c / c! * c / (c - a)),
// and the mean wait Wq = C(c, a) / (c mu - lambda).
double erlang_c_wait(int c, double lambda, double mu) {
  const double a = lambda / mu;
  double term = 1, sum = 0;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double waiting = term * c / (c - a);  // a^c / c! * c / (c - a)
  return waiting / (sum + waiting) / (c * mu - lambda);
}

}  // namespace

TEST_CASE("M/D/1: the mean wait of Poisson arrivals to one thread with a fixed service time (Pollaczek-Khinchine)") {
  const LatencyStats md1 = run("scenarios/seed/md1_check.yaml", "", {{"workload.requests[0].count", "200000", ""}});
  CHECK(md1.count == 200000);
  CHECK_REL(mean_wait(md1), kMd1Wait, kFormula);
  CHECK_REL(md1.mean, kMd1Wait + 10e-3, kFormula);  // W = Wq + D = 15 ms
  // Negative control: exponential service of the same mean (M/M/1) waits twice as long,
  // rho / (mu - lambda) = 0.5 / 50 = 10 ms: the M/D/1 check must reject it.
  const LatencyStats mm1 = run("tests/fixtures/mm1_check.yaml", "");
  CHECK_FALSE(within(mean_wait(mm1), kMd1Wait));
}

TEST_CASE("M/M/1: the mean response time is 1 / (mu - lambda)") {
  const LatencyStats mm1 = run("tests/fixtures/mm1_check.yaml", "");
  CHECK_REL(mm1.mean, kMm1Response, kFormula);
  CHECK_REL(mean_wait(mm1), 0.5 / 50, kFormula);  // Wq = rho / (mu - lambda) = 10 ms
  // Negative control: a fixed service time of the same mean (M/D/1) responds in 15 ms, not 20.
  const LatencyStats md1 = run("scenarios/seed/md1_check.yaml", "", {{"workload.requests[0].count", "200000", ""}});
  CHECK_FALSE(within(md1.mean, kMm1Response));
}

TEST_CASE("M/M/c: a pool of threads whose service releases the GIL waits as Erlang C says") {
  // c = 4, lambda = 50/s, mu = 1 / 40 ms = 25/s: a = 2, a^4 / 4! = 16 / 24, times c / (c - a) = 2:
  // 4 / 3; sum_{k<4} 2^k / k! = 1 + 2 + 2 + 4 / 3 = 19 / 3; C = (4/3) / (19/3 + 4/3) = 4 / 23 =
  // 0.17391; Wq = C / (4 x 25 - 50) = 0.17391 / 50 = 3.478 ms.
  const double wait = erlang_c_wait(4, 50, 25);
  CHECK_REL(wait, 4.0 / 23 / 50, 1e-12);
  const LatencyStats c4 = run("tests/fixtures/mmc_check.yaml", "c4");
  CHECK_REL(mean_wait(c4), wait, kFormula);
  CHECK_REL(c4.mean, wait + 40e-3, kFormula);  // W = Wq + 1 / mu
  // Negative control: 8 threads (Erlang C for c = 8: 7.6 us, 455 times shorter) must fail the
  // check for 4.
  const LatencyStats c8 = run("tests/fixtures/mmc_check.yaml", "c8");
  CHECK_FALSE(within(mean_wait(c8), wait));
  CHECK(mean_wait(c8) < wait / 10);
}
