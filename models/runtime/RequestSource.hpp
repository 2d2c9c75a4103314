#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/RequestSpec.hpp"
#include "sim/timeline/Timeline.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// One source of workload.requests during a run: its arrival times (drawn once, the same in
// every variant), the queue its serving threads take requests from, in arrival order, and the
// record of each served request.
//
// A thread that becomes idle claims the next request at once, even one that has not arrived
// yet, and sleeps until it arrives. Arrivals are known in advance and idle threads claim in the
// order they became idle, so this hands every request to the thread that has waited longest, as
// a queue.Queue (or a listening socket) with FIFO waiters does, without an actor for the source.
class RequestSource {
 public:
  RequestSource(const RequestSpec& spec, int index, uint64_t seed, Timeline& timeline);

  const std::string& name() const { return name_; }
  int index() const { return index_; }
  int64_t count() const { return static_cast<int64_t>(arrivals_.size()); }
  double arrival(int64_t request) const { return arrivals_[static_cast<std::size_t>(request)]; }
  // The next request nobody has taken, or nothing once every one has been.
  std::optional<int64_t> claim();
  // The random stream of a request's handler (sim/scenario/Arrivals.hpp).
  Rng stream(int64_t request) const;
  void record(const RequestRecord& served) { timeline_.requests.push_back(served); }

 private:
  std::string name_;
  int index_;
  uint64_t seed_;
  std::vector<double> arrivals_;
  int64_t next_ = 0;
  Timeline& timeline_;
};

}  // namespace gilsim
