#include "models/steps/serve/ServeStep.hpp"

#include <simgrid/s4u.hpp>

#include "models/machine/OsThreads.hpp"
#include "models/runtime/ThreadContext.hpp"

// How a thread runs `serve` steps.

namespace gilsim {
namespace {

// Draws of the handler come from the request's own stream while it runs (common random
// numbers), and from the thread's again after, even when the handler throws.
class RequestStreamInUse {
 public:
  RequestStreamInUse(ThreadContext& thread, Rng& stream) : thread_(thread) { thread_.use_rng(&stream); }
  ~RequestStreamInUse() { thread_.use_rng(nullptr); }
  RequestStreamInUse(const RequestStreamInUse&) = delete;
  RequestStreamInUse& operator=(const RequestStreamInUse&) = delete;

 private:
  ThreadContext& thread_;
};

// A request taken: when this thread took it, and the mark of its clock then.
struct Taken {
  int64_t request = -1;
  double start = 0;
  int64_t since = -1;
};

// An open loop's next request, claimed at once and waited for until it arrives.
std::optional<Taken> take_open(ThreadContext& thread, RequestSource& source, double began) {
  const std::optional<int64_t> request = source.claim();
  if (!request) return std::nullopt;
  const double arrival = source.arrival(*request);
  thread.flush_clock();
  const double start = std::max(arrival, simgrid::s4u::Engine::get_clock());
  // From `start` the request is this thread's: its GIL re-take after the wait is part of it.
  const int64_t since = thread.clock().mark(start);
  if (arrival > began) thread.without_gil(ThreadState::Wait, [&] { thread.blocked_sleep_until(arrival); });
  return Taken{*request, start, since};
}

// A closed loop's next request: one that has arrived, or the wait for one (RequestSource).
std::optional<Taken> take_closed(ThreadContext& thread, RequestSource& source) {
  Taken taken;
  const auto mark_now = [&] {
    thread.flush_clock();
    taken.start = simgrid::s4u::Engine::get_clock();
    taken.since = thread.clock().mark(taken.start);
  };
  if (const std::optional<int64_t> request = source.take_arrived()) {
    mark_now();
    taken.request = *request;
    return taken;
  }
  if (source.all_taken()) return std::nullopt;
  thread.without_gil(ThreadState::Wait, [&] {
    os::block();
    if (const std::optional<int64_t> request = source.wait_for_request()) {
      mark_now();  // at its arrival: the wake-up and the GIL re-take after it are the request's
      taken.request = *request;
    }
    os::wake(WakeKind::Timer, -1, 0);  // as an open loop's thread woken at an arrival
  });
  if (taken.request < 0) return std::nullopt;
  return taken;
}

}  // namespace

// One step span per request taken (the wait for it and the GIL re-take included), then the
// body's steps, which take the indices after the serve's own. A request that has not arrived is
// waited for with the GIL released (state wait), as in socket.accept() or queue.Queue.get().
void run_step(ThreadContext& thread, const ServeStep& step, int index) {
  RequestSource& source = thread.world().request_source(step.requests);
  StateClock& clock = thread.clock();
  for (;;) {
    const double began = thread.begin_step(index);
    const std::optional<Taken> taken = source.closed() ? take_closed(thread, source) : take_open(thread, source, began);
    if (!taken) {
      thread.end_step(began);
      return;
    }
    const int64_t request = taken->request;
    const double arrival = source.arrival(request);
    const double start = taken->start;
    const int64_t since = taken->since;
    thread.end_step(began);
    Rng stream = source.stream(request);
    {
      RequestStreamInUse in_use(thread, stream);
      thread.run_program(step.body, index + 1);
    }
    thread.flush_clock();
    const StateClock::Totals before = clock.take_mark(since);
    RequestRecord served{source.index(), request, arrival, start, simgrid::s4u::Engine::get_clock(), {}};
    for (int s = 0; s < kThreadStateCount; ++s) {
      const auto state = static_cast<ThreadState>(s);
      served.parts[static_cast<int>(part_of_own_time(state))] +=
          clock.totals()[static_cast<std::size_t>(s)] - before[static_cast<std::size_t>(s)];
    }
    served.parts[static_cast<int>(RequestPart::Queue)] = start - arrival;
    source.record(served);
  }
}

}  // namespace gilsim
