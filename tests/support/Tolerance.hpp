#pragma once
// Floating-point checks that say which tolerance they mean (issue 14).
//
// doctest::Approx(x).epsilon(e) accepts |a - x| < e * (1 + max(|a|, |x|)): an ABSOLUTE
// tolerance of about e for values below 1 (5 ms with epsilon 0.02 accepts anything within
// +-20 ms), and the default epsilon (1.2e-5) accepts 0 for any expected value under 12 us.
// Instead:
//   CHECK_REL(actual, expected, rel)  passes when |actual - expected| <= rel * |expected|
//   CHECK_ABS(actual, expected, abs)  passes when |actual - expected| <= abs
// Both bounds are inclusive (a tolerance of 0 asks for equality), evaluate `actual` once, and
// on failure print the actual value, the expected one, the tolerance and the difference, with
// 10 significant digits.
#include <doctest/doctest.h>

#include <cmath>
#include <ostream>

namespace gilsim::testing {

// An expected value and how far from it an actual value may be.
class Tolerance {
 public:
  struct Verdict;  // the outcome of one comparison

  static Tolerance relative(double expected, double rel) { return Tolerance(expected, rel * std::fabs(expected), rel); }
  static Tolerance absolute(double expected, double abs) { return Tolerance(expected, abs, -1); }

  // NaN is never accepted; neither is anything when the tolerance is negative or NaN.
  bool accepts(double actual) const { return std::fabs(actual - expected_) <= bound_; }
  double expected() const { return expected_; }
  Verdict check(double actual) const;

  friend std::ostream& operator<<(std::ostream& out, const Tolerance& t) {
    out << t.expected_ << " +- " << t.bound_;
    if (t.relative_ >= 0) out << " (relative " << t.relative_ << ")";
    else out << " (absolute)";
    return out;
  }

 private:
  Tolerance(double expected, double bound, double relative) : expected_(expected), bound_(bound), relative_(relative) {}

  double expected_;
  double bound_;     // the largest accepted |actual - expected|
  double relative_;  // the relative tolerance asked for; negative for an absolute one
};

// The outcome of one comparison; doctest prints it when the check fails.
struct Tolerance::Verdict {
  Tolerance tolerance;
  double actual;
  explicit operator bool() const { return tolerance.accepts(actual); }
  friend std::ostream& operator<<(std::ostream& out, const Verdict& v) {
    const std::streamsize precision = out.precision(10);
    out << "actual " << v.actual << (v.tolerance.accepts(v.actual) ? " within " : " NOT within ") << v.tolerance
        << ": off by " << std::showpos << v.actual - v.tolerance.expected() << std::noshowpos;
    out.precision(precision);
    return out;
  }
};

inline Tolerance::Verdict Tolerance::check(double actual) const { return Verdict{*this, actual}; }

}  // namespace gilsim::testing

#define CHECK_REL(actual, expected, rel) CHECK(::gilsim::testing::Tolerance::relative((expected), (rel)).check((actual)))
#define CHECK_ABS(actual, expected, abs) CHECK(::gilsim::testing::Tolerance::absolute((expected), (abs)).check((actual)))
