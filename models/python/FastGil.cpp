#include "models/python/FastGil.hpp"

#include <algorithm>
#include <limits>

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

double clock_now() { return sg4::Engine::get_clock(); }

WaiterRing::End earlier(const WaiterRing::End& a, const WaiterRing::End& b) {
  return b.at < a.at || (b.at == a.at && b.thread < a.thread) ? b : a;
}

}  // namespace

FastGil::FastGil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, Machine& machine,
                 Timeline& timeline)
    : Gil(process, stream, config, seed, machine, timeline),
      old_waiters_(wait_period()),
      new_waiters_(wait_period()) {}

FastGil::ThreadSlot& FastGil::slot(int thread) {
  auto found = slots_.find(thread);
  if (found == slots_.end()) {
    found = slots_.emplace(thread, ThreadSlot{}).first;
    found->second.parking = sg4::Semaphore::create(0);
    found->second.entry_offset = entry_offset(thread);
    found->second.wakeup_latency = wakeup_latency(thread);
  }
  return found->second;
}

WaiterRing::End FastGil::earliest_end_after(double t) const {
  return earlier(old_waiters_.earliest_after(t), new_waiters_.earliest_after(t));
}

double FastGil::counting_end(const ThreadSlot& s) const {
  if (chain_is_new(s)) return s.chain + wait_period();
  const WaiterRing::End current = old_waiters_.next_end(-1, s.chain, epoch_start_);
  return s.chain + (current.k + 1) * wait_period();
}

const WaiterRing::End& FastGil::first_timeout_since_unlock() {
  if (timeout_version_ != waiters_version_) {
    timeout_cache_ = earliest_end_after(unlocked_at_);
    timeout_version_ = waiters_version_;
  }
  return timeout_cache_;
}

double FastGil::epoch_request() {
  if (request_version_ != waiters_version_) {
    // A chain begun in the epoch counts from its first wait; an older one from the wait it
    // began when its wait in progress at the switch ended.
    request_cache_ = std::min(new_waiters_.earliest_after(epoch_start_).at, old_waiters_.earliest_after(epoch_start_, 1).at);
    request_version_ = waiters_version_;
  }
  return request_cache_;
}

void FastGil::advance(double now) {
  // While the GIL is unlocked, the first due event takes it: a waiter's timeout (the reference's
  // while (locked) loop ends) or a yielder's re-entry into take_gil().
  while (!locked_) {
    const WaiterRing::End waiter = first_timeout_since_unlock();
    auto entry = std::min_element(pending_.begin(), pending_.end(),
                                  [](const PendingEntry& a, const PendingEntry& b) { return a.at < b.at; });
    const bool entry_due = entry != pending_.end() && entry->at <= now;
    const bool waiter_due = waiter.at <= now;
    if (!entry_due && !waiter_due) break;
    int thread;
    double at;
    if (entry_due && (!waiter_due || entry->at < waiter.at)) {
      thread = entry->thread;
      at = entry->at;
      pending_.erase(entry);
      slot(thread).requested = false;  // a new take_gil() call
    } else {
      thread = waiter.thread;
      at = waiter.at;
      dequeue(thread, at, true);
    }
    grant(thread, at);
  }
  // While it is locked: each due entry begins its chain of waits, and the first counting wait
  // to end sets the drop request.
  for (auto entry = pending_.begin(); entry != pending_.end();) {
    if (entry->at > now) {
      ++entry;
      continue;
    }
    slot(entry->thread).requested = false;
    begin_chain(entry->thread, entry->at);
    entry = pending_.erase(entry);
  }
  if (!epoch_requested_) {
    const double request = epoch_request();
    if (request <= now) {  // SET_GIL_DROP_REQUEST
      if (!drop_request_ || request < request_time_) request_time_ = request;
      drop_request_ = true;
      epoch_requested_ = true;
    }
  }
}

void FastGil::close_epoch(double at) {
  // Every waiter whose counting wait ended by now timed out with the switch number unchanged and
  // the GIL locked (had it been unlocked, that waiter would have taken it): it set the request.
  auto requested = [this](const WaiterRing::End& end) { slot(end.thread).requested = true; };
  new_waiters_.for_each_ending(epoch_start_, at, requested);
  old_waiters_.for_each_ending(epoch_start_, at, requested, 1);
}

void FastGil::grant(int thread, double at) {
  ThreadSlot& s = slot(thread);
  locked_ = true;
  holder_ = thread;
  if (last_holder_ != thread) {
    close_epoch(at);
    last_holder_ = thread;
    ++switch_number_;
    count_switch(thread, at);
    epoch_start_ = at;
    epoch_requested_ = false;
    new_waiters_.move_all_to(old_waiters_);
    waiters_changed();
  }
  if (switch_waiter_ >= 0 && switch_waiter_ != thread) {
    // FORCE_SWITCHING: the switch releases the dropper; it runs one wake-up latency later.
    ThreadSlot& dropper = slot(switch_waiter_);
    if (dropper.yields) {
      dropper.status = Status::Pending;
      pending_.push_back({switch_waiter_, at + dropper.wakeup_latency});
      take_begins(switch_waiter_, at + dropper.wakeup_latency);  // its take_gil() call
    } else {
      dropper.status = Status::Released;
      resume_later(switch_waiter_);
    }
    switch_waiter_ = -1;
  }
  if (s.requested) {
    drop_request_ = false;  // RESET_GIL_DROP_REQUEST by the thread that set it
    s.requested = false;
  }
  const bool parked = s.status == Status::Queued || s.status == Status::Pending;
  s.status = Status::Holder;
  if (parked) resume_later(thread);
}

void FastGil::begin_chain(int thread, double at) {
  ThreadSlot& s = slot(thread);
  s.status = Status::Queued;
  s.entry = at;
  s.chain = at + s.entry_offset;
  s.chain_switch = switch_number_;
  s.order = next_order_++;
  new_waiters_.add(thread, s.chain);
  waiters_changed();
}

void FastGil::enqueue(int thread, double now) {
  begin_chain(thread, now);
  if (holder_waiting_ && counting_end(slot(thread)) < holder_deadline_) ring_holder_ = true;
}

void FastGil::dequeue(int thread, double now, bool ended_now) {
  ThreadSlot& s = slot(thread);
  // Its counting wait ended earlier in this epoch, with the GIL locked: it set the request.
  const double counted = counting_end(s);
  if (ended_now ? counted < now : counted <= now) s.requested = true;
  ring_of(s).remove(thread, s.chain);
  waiters_changed();
}

int FastGil::first_in_line(double now) const {
  // notify_one() wakes the waiter whose current wait began first: its next end is at most
  // tie_jitter (the longest first-wait offset) after the earliest next end.
  const double period = wait_period();
  const double until = earliest_end_after(now).at + config_.tie_jitter;
  int first = -1;
  double first_start = kNever;
  uint64_t first_order = 0;
  auto consider = [&](const WaiterRing::End& end) {
    const ThreadSlot& s = slots_.at(end.thread);
    const double start = end.k == 1 ? s.entry : s.chain + (end.k - 1) * period;
    const uint64_t order = end.k == 1 ? s.order : 0;
    if (start < first_start || (start == first_start && (order < first_order || (order == first_order && end.thread < first)))) {
      first = end.thread;
      first_start = start;
      first_order = order;
    }
  };
  old_waiters_.for_each_ending(now, until, consider);
  new_waiters_.for_each_ending(now, until, consider);
  return first;
}

void FastGil::unlock_and_signal(double now) {
  locked_ = false;
  unlocked_at_ = now;
  waiters_changed();
  forget_eval_breaker();
  holder_ = -1;
  if (has_waiters()) {
    const int first = first_in_line(now);
    dequeue(first, now, false);
    ThreadSlot& w = slot(first);
    w.status = Status::Waking;
    w.wake_at = now + w.wakeup_latency;
    resume_later(first);
  }
  // A yielder due to re-enter take_gil() may now find the GIL free: it needs its actor back.
  for (const PendingEntry& entry : pending_) {
    ThreadSlot& s = slot(entry.thread);
    s.status = Status::Entering;
    s.wake_at = entry.at;
    resume_later(entry.thread);
  }
  pending_.clear();
}

double FastGil::next_drop_request() {
  double next = epoch_requested_ ? kNever : epoch_request();
  for (const PendingEntry& entry : pending_)
    next = std::min(next, (entry.at + slots_.at(entry.thread).entry_offset) + wait_period());
  return next;
}

double FastGil::next_take() {
  double next = first_timeout_since_unlock().at;
  for (const PendingEntry& entry : pending_) next = std::min(next, entry.at);
  return next;
}

void FastGil::resume_later(int thread) { to_resume_.push_back(thread); }

void FastGil::flush() {
  // Each release() is a simcall: other actors may run meanwhile, add to this list and flush it
  // too, so the list is consumed through a shared index.
  while (resumed_ < to_resume_.size()) slot(to_resume_[resumed_++]).parking->release();
  to_resume_.clear();
  resumed_ = 0;
  if (ring_holder_) {
    ring_holder_ = false;
    if (holder_ >= 0 && holder_waiting_) doorbell(holder_).ring();
  }
}

void FastGil::wait_for_grant(int thread) {
  ThreadSlot& s = slot(thread);
  for (;;) {
    flush();
    if (s.status == Status::Holder) return;
    if (s.status != Status::Waking && s.status != Status::Entering) {
      park(s);  // a release since the status check is not lost: the semaphore counts it
      continue;
    }
    // Awake until wake_at; meanwhile other waiters' timeouts may find the GIL unlocked.
    while (clock_now() < s.wake_at) {
      sg4::this_actor::sleep_until(std::min(s.wake_at, locked_ ? kNever : next_take()));
      advance(clock_now());
      flush();
    }
    advance(clock_now());
    if (!locked_) {
      grant(thread, clock_now());
      flush();
      return;
    }
    enqueue(thread, clock_now());
  }
}

void FastGil::take(int thread) {
  ThreadSlot& s = slot(thread);
  const double now = clock_now();
  take_begins(thread, now);
  advance(now);
  s.requested = false;
  if (!locked_) {
    grant(thread, now);
    flush();
    return;
  }
  enqueue(thread, now);
  wait_for_grant(thread);
}

void FastGil::drop(int thread, bool final_release) {
  const double now = clock_now();
  advance(now);
  const bool forced = !final_release && drop_request_ && last_holder_ == thread;
  dropped(thread, now, false);
  unlock_and_signal(now);
  ThreadSlot& s = slot(thread);
  s.status = Status::Outside;
  if (!forced) {
    flush();
    return;
  }
  // FORCE_SWITCHING: do not re-take the GIL before another thread has had it.
  drop_request_ = false;
  s.status = Status::SwitchWait;
  s.yields = false;
  switch_waiter_ = thread;
  for (;;) {
    flush();
    if (s.status == Status::Released) break;
    park(s);
  }
  s.status = Status::Outside;
  sg4::this_actor::sleep_for(s.wakeup_latency);
}

void FastGil::yield(int thread) {
  const double now = clock_now();
  advance(now);
  const bool forced = drop_request_ && last_holder_ == thread;
  dropped(thread, now, true);  // the eval breaker answering a drop request
  unlock_and_signal(now);
  ThreadSlot& s = slot(thread);
  s.status = Status::Outside;
  if (!forced) {
    take(thread);
    return;
  }
  drop_request_ = false;
  s.status = Status::SwitchWait;
  s.yields = true;
  switch_waiter_ = thread;
  wait_for_grant(thread);
}

void FastGil::run_python(int thread, double work, const StateChange& enter) {
  enter(ThreadState::Python);
  const CpuJobPtr job = machine_.start(thread, work);
  while (!run_until_drop_request(thread, job)) {
    enter(ThreadState::GilWait);
    yield(thread);
    enter(ThreadState::Python);
    machine_.resume(job);
  }
}

bool FastGil::run_until_drop_request(int thread, const CpuJobPtr& job) {
  const double started = clock_now();
  Doorbell& bell = doorbell(thread);
  for (;;) {
    bell.arm();  // before the deadline is computed, so that a later ring cannot be lost
    advance(clock_now());
    if (drop_request_) break;
    // No event between a drop request and the eval-breaker check after it concerns the holder:
    // one wait covers both.
    holder_deadline_ = next_drop_request();
    holder_waiting_ = true;
    flush();
    const Machine::Wake wake = machine_.wait_until(job, holder_deadline_ + config_.drop_latency, bell);
    holder_waiting_ = false;
    if (wake == Machine::Wake::Completed) {
      advance(clock_now());
      if (drop_request_) notice_drop_request(std::max(request_time_, started));
      flush();
      return true;
    }
  }
  flush();
  return !reach_eval_breaker(job, std::max(request_time_, started)) || !machine_.pause(job);
}

}  // namespace gilsim
