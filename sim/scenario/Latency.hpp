#pragma once
#include <string>

#include "sim/util/Rng.hpp"

namespace gilsim {

// Latency of a blocking I/O call: fixed, or drawn per call from a seeded distribution.
struct Latency {
  enum class Kind { Fixed, Uniform, Exponential };
  Kind kind = Kind::Fixed;
  double a = 0;  // fixed value, uniform min, or exponential mean (seconds)
  double b = 0;  // uniform max

  static Latency fixed(double seconds) { return {Kind::Fixed, seconds, 0}; }
  double mean() const;
  double sample(Rng& rng) const;
  std::string describe() const;
};

}  // namespace gilsim
