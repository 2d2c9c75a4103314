#include "models/runtime/RequestSource.hpp"

#include "sim/scenario/Arrivals.hpp"

namespace gilsim {

RequestSource::RequestSource(const RequestSpec& spec, int index, uint64_t seed, Timeline& timeline)
    : name_(spec.name), index_(index), seed_(seed), arrivals_(draw_arrivals(spec, seed, index)), timeline_(timeline) {}

std::optional<int64_t> RequestSource::claim() {
  if (next_ >= count()) return std::nullopt;
  return next_++;
}

Rng RequestSource::stream(int64_t request) const { return request_stream(seed_, index_, request); }

}  // namespace gilsim
