#include "models/runtime/RequestSource.hpp"

#include <limits>

#include "sim/scenario/Arrivals.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

RequestSource::RequestSource(const RequestSpec& spec, int index, uint64_t seed, Timeline& timeline)
    : name_(spec.name),
      index_(index),
      seed_(seed),
      timeline_(timeline),
      clients_(spec.clients),
      think_(spec.think) {
  if (!spec.closed()) {
    arrivals_ = draw_arrivals(spec, seed, index);
    return;
  }
  arrivals_.assign(static_cast<std::size_t>(spec.count), std::numeric_limits<double>::infinity());
  mutex_ = sg4::Mutex::create();
  changed_ = sg4::ConditionVariable::create();
  for (int64_t client = 0; client < clients_; ++client) {
    think_streams_.push_back(think_stream(seed, index, client));
    send(client, 0.0);
  }
}

void RequestSource::send(int64_t request, double at) {
  const double think = think_.sample(think_streams_[static_cast<std::size_t>(request % clients_)]);
  arrivals_[static_cast<std::size_t>(request)] = at + think;
  timeline_.request_think_seconds[static_cast<std::size_t>(index_)] += think;
  sent_.push({at + think, request});
}

std::optional<int64_t> RequestSource::claim() {
  if (next_ >= count()) return std::nullopt;
  return next_++;
}

std::optional<int64_t> RequestSource::take_arrived() {
  if (!idle_.empty() || sent_.empty() || sent_.top().arrival > sg4::Engine::get_clock()) return std::nullopt;
  const int64_t request = sent_.top().request;
  sent_.pop();
  ++taken_;
  return request;
}

// Only the longest idle thread waits for the next arrival's time; the others wait to become the
// longest idle. Every change (a request sent, one taken) wakes them all to look again.
std::optional<int64_t> RequestSource::wait_for_request() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  const uint64_t ticket = next_ticket_++;
  idle_.push_back(ticket);
  std::optional<int64_t> request;
  for (;;) {
    if (all_taken()) break;
    if (idle_.front() == ticket && !sent_.empty()) {
      if (sent_.top().arrival <= sg4::Engine::get_clock()) {
        request = sent_.top().request;
        sent_.pop();
        ++taken_;
        break;
      }
      changed_->wait_until(lock, sent_.top().arrival);
    } else {
      changed_->wait(lock);
    }
  }
  for (auto it = idle_.begin(); it != idle_.end(); ++it)
    if (*it == ticket) {
      idle_.erase(it);
      break;
    }
  changed_->notify_all();  // the next idle thread is the longest idle now
  return request;
}

Rng RequestSource::stream(int64_t request) const { return request_stream(seed_, index_, request); }

std::optional<int64_t> RequestSource::record(const RequestRecord& served) {
  timeline_.requests.push_back(served);
  if (!closed() || served.index + clients_ >= count()) return std::nullopt;
  const int64_t next = served.index + clients_;
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  send(next, served.end);
  changed_->notify_all();  // an idle thread may take it
  return next;
}

}  // namespace gilsim
