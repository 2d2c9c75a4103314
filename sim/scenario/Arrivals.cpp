#include "sim/scenario/Arrivals.hpp"

#include <cmath>

namespace gilsim {
namespace {

// Stream keys apart from the threads' own (Rng::for_stream(seed, thread)): "arrivals" and
// "requests" in ASCII, xor-ed into the seed.
constexpr uint64_t kArrivalsKey = 0x6172726976616C73ULL;
constexpr uint64_t kRequestsKey = 0x7265717565737473ULL;
constexpr uint64_t kThinkKey = 0x7468696E6B696E67ULL;  // "thinking"

double gap(const ArrivalSpec& a, Rng& rng) {
  switch (a.kind) {
    case ArrivalSpec::Kind::Fixed: return 1.0 / a.rate;
    case ArrivalSpec::Kind::Uniform: return a.min_gap + (a.max_gap - a.min_gap) * rng.uniform();
    // Inverse transform; 1 - u is in (0, 1] so the log is finite.
    case ArrivalSpec::Kind::Exponential: return -std::log(1.0 - rng.uniform()) / a.rate;
    case ArrivalSpec::Kind::File: break;
  }
  return 0;
}

}  // namespace

std::vector<double> draw_arrivals(const RequestSpec& spec, uint64_t seed, int source_index) {
  if (spec.arrivals.kind == ArrivalSpec::Kind::File) return spec.arrivals.times;
  Rng rng = Rng::for_stream(seed ^ kArrivalsKey, static_cast<uint64_t>(source_index));
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(spec.count));
  double t = 0;
  for (int64_t i = 0; i < spec.count; ++i) times.push_back(t += gap(spec.arrivals, rng));
  return times;
}

Rng request_stream(uint64_t seed, int source_index, int64_t request) {
  // 2^40 requests per source: far above the loader's limit of 10^6.
  return Rng::for_stream(seed ^ kRequestsKey, (static_cast<uint64_t>(source_index) << 40) + static_cast<uint64_t>(request));
}

Rng think_stream(uint64_t seed, int source_index, int64_t client) {
  return Rng::for_stream(seed ^ kThinkKey, (static_cast<uint64_t>(source_index) << 40) + static_cast<uint64_t>(client));
}

}  // namespace gilsim
