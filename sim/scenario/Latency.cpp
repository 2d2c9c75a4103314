#include "sim/scenario/Latency.hpp"

#include <cmath>

#include "sim/util/Units.hpp"

namespace gilsim {

double Latency::mean() const {
  switch (kind) {
    case Kind::Fixed: return a;
    case Kind::Uniform: return (a + b) / 2;
    case Kind::Exponential: return a;
  }
  return a;
}

double Latency::sample(Rng& rng) const {
  switch (kind) {
    case Kind::Fixed: return a;
    case Kind::Uniform: return a + (b - a) * rng.uniform();
    // Inverse transform; 1 - u is in (0, 1] so the log is finite.
    case Kind::Exponential: return -a * std::log(1.0 - rng.uniform());
  }
  return a;
}

std::string Latency::describe() const {
  switch (kind) {
    case Kind::Fixed: return format_duration(a);
    case Kind::Uniform: return format_duration(a) + ".." + format_duration(b);
    case Kind::Exponential: return "exp(" + format_duration(a) + ")";
  }
  return "";
}

}  // namespace gilsim
