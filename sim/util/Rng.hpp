#pragma once
#include <cstdint>

namespace gilsim {

// splitmix64: tiny, fast, and fully specified, so a seed gives the same stream on every
// platform (std:: distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A stream for one entity (a thread, a GIL) that does not depend on event order.
  static Rng for_stream(uint64_t seed, uint64_t stream) {
    Rng mixer(seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1)));
    return Rng(mixer.next());
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace gilsim
