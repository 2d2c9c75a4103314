#include "models/steps/serve/ServeStep.hpp"

#include <simgrid/s4u.hpp>

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

}  // namespace

// One step span per request taken (the wait for it and the GIL re-take included), then the
// body's steps, which take the indices after the serve's own. A request that has not arrived is
// waited for with the GIL released (state wait), as in socket.accept() or queue.Queue.get().
void run_step(ThreadContext& thread, const ServeStep& step, int index) {
  RequestSource& source = thread.world().request_source(step.requests);
  StateClock& clock = thread.clock();
  for (;;) {
    const double began = thread.begin_step(index);
    const std::optional<int64_t> request = source.claim();
    if (!request) {
      thread.end_step(began);
      return;
    }
    const double arrival = source.arrival(*request);
    thread.flush_clock();
    const double start = std::max(arrival, simgrid::s4u::Engine::get_clock());
    // From `start` the request is this thread's: its GIL re-take after the wait is part of it.
    const int64_t since = clock.mark(start);
    if (arrival > began)
      thread.without_gil(ThreadState::Wait, [&] { thread.blocked_sleep_until(arrival); });
    thread.end_step(began);
    Rng stream = source.stream(*request);
    {
      RequestStreamInUse in_use(thread, stream);
      thread.run_program(step.body, index + 1);
    }
    thread.flush_clock();
    const StateClock::Totals before = clock.take_mark(since);
    RequestRecord served{source.index(), *request, arrival, start, simgrid::s4u::Engine::get_clock(), {}};
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
