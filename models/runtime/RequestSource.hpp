#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/scenario/RequestSpec.hpp"
#include "sim/timeline/Timeline.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// One source of workload.requests during a run: its arrival times, the queue its serving threads
// take requests from, in arrival order, and the record of each served request.
//
// An open loop (arrivals) knows every arrival in advance (drawn once, the same in every
// variant). A thread that becomes idle claims the next request at once, even one that has not
// arrived yet, and sleeps until it arrives. Arrivals are known in advance and idle threads claim
// in the order they became idle, so this hands every request to the thread that has waited
// longest, as a queue.Queue (or a listening socket) with FIFO waiters does, without an actor for
// the source.
//
// A closed loop (clients) learns an arrival only when the client's previous request completes:
// client c sends request c + kN at that completion plus a think time drawn from the client's own
// stream (its first request after one think from time 0). A later completion may send a request
// that arrives before one sent earlier (random think times), so an idle thread cannot claim in
// advance: it waits (wait_for_request) until a request has arrived, idle threads served in the
// order they became idle.
class RequestSource {
 public:
  RequestSource(const RequestSpec& spec, int index, uint64_t seed, Timeline& timeline);

  const std::string& name() const { return name_; }
  int index() const { return index_; }
  bool closed() const { return clients_ > 0; }
  int64_t count() const { return static_cast<int64_t>(arrivals_.size()); }
  // A request's arrival: known from the start (open loop), or once its client sent it.
  double arrival(int64_t request) const { return arrivals_[static_cast<std::size_t>(request)]; }
  // Open loop: the next request nobody has taken, or nothing once every one has been.
  std::optional<int64_t> claim();
  // Closed loop, for a thread holding the GIL: a request that has arrived and that no idle
  // thread waits for, if there is one (nothing otherwise).
  std::optional<int64_t> take_arrived();
  // Closed loop: every request has been taken by a handler.
  bool all_taken() const { return taken_ == count(); }
  // Closed loop: blocks (its caller has released the GIL and left its CPU) until a request has
  // arrived and this thread is the longest idle one; nothing once every request has been taken.
  std::optional<int64_t> wait_for_request();
  // Closed loop: its clients, whose first requests (0 .. clients - 1) are sent at time 0 plus a
  // think; an event loop learns the next ones from record().
  int64_t clients() const { return clients_; }
  // The random stream of a request's handler (sim/scenario/Arrivals.hpp).
  Rng stream(int64_t request) const;
  // A request is done. In a closed loop its client thinks and sends its next request, which is
  // returned (its arrival is then known); nothing in an open loop or after a client's last one.
  std::optional<int64_t> record(const RequestRecord& served);

 private:
  struct Sent {
    double arrival;
    int64_t request;
    bool operator>(const Sent& other) const {
      return arrival != other.arrival ? arrival > other.arrival : request > other.request;
    }
  };
  void send(int64_t request, double at);  // closed loop: the client sends it after thinking from `at`

  std::string name_;
  int index_;
  uint64_t seed_;
  std::vector<double> arrivals_;
  int64_t next_ = 0;
  Timeline& timeline_;
  // Closed loop.
  int64_t clients_ = 0;
  Latency think_;
  std::vector<Rng> think_streams_;  // per client
  std::priority_queue<Sent, std::vector<Sent>, std::greater<Sent>> sent_;  // sent, not taken yet
  int64_t taken_ = 0;
  uint64_t next_ticket_ = 0;
  std::deque<uint64_t> idle_;  // threads waiting for a request, longest idle first
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
};

}  // namespace gilsim
