#include "models/runtime/LoopRequests.hpp"

#include <simgrid/s4u.hpp>

namespace gilsim {
namespace {

double now() { return simgrid::s4u::Engine::get_clock(); }

template <class PartOf>
void add_difference(RequestParts& parts, const StateClock::Totals& later, const StateClock::Totals& earlier, PartOf part_of) {
  for (int s = 0; s < kThreadStateCount; ++s)
    parts[static_cast<int>(part_of(static_cast<ThreadState>(s)))] +=
        later[static_cast<std::size_t>(s)] - earlier[static_cast<std::size_t>(s)];
}

}  // namespace

void LoopRequests::add(int task, RequestSource& source, int64_t request) {
  Tracked tracked{&source, request, -1, thread_.clock().mark(source.arrival(request)), {}, {}, source.stream(request)};
  tracked_.emplace(task, tracked);
}

void LoopRequests::resuming(int task) {
  Tracked& t = tracked_.at(task);
  thread_.flush_clock();
  const StateClock::Totals& totals = thread_.clock().totals();
  if (t.waiting >= 0) add_difference(t.parts, totals, thread_.clock().take_mark(t.waiting), part_of_loop_time);
  t.waiting = -1;
  if (t.start < 0) t.start = now();
  t.running_since = totals;
  thread_.use_rng(&t.stream);
}

void LoopRequests::paused(int task) {
  Tracked& t = tracked_.at(task);
  thread_.flush_clock();
  add_difference(t.parts, thread_.clock().totals(), t.running_since, part_of_own_time);
  thread_.use_rng(nullptr);
}

void LoopRequests::awaiting_timer(int task, double until) {
  Tracked& t = tracked_.at(task);
  t.parts[static_cast<int>(RequestPart::Io)] += until - now();
  t.waiting = thread_.clock().mark(until);
}

void LoopRequests::made_ready(int task) {
  Tracked& t = tracked_.at(task);
  if (t.waiting < 0) t.waiting = thread_.clock().mark(now());
}

std::optional<LoopRequests::Sent> LoopRequests::finished(int task) {
  paused(task);
  Tracked& t = tracked_.at(task);
  const double arrival = t.source->arrival(t.request);
  RequestRecord served{t.source->index(), t.request, arrival, t.start, now(), t.parts};
  double accounted = 0;
  for (double part : t.parts) accounted += part;
  // Lock, queue and executor waits are not measured on the loop: they are what is left. Rounding
  // of the sums may leave -1e-16: not a negative wait.
  served.parts[static_cast<int>(RequestPart::Other)] += std::max(0.0, (served.end - arrival) - accounted);
  RequestSource* source = t.source;
  tracked_.erase(task);
  if (const std::optional<int64_t> next = source->record(served)) return Sent{source, *next};
  return std::nullopt;
}

}  // namespace gilsim
