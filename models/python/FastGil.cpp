#include "models/python/FastGil.hpp"

#include <algorithm>
#include <limits>

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

double clock_now() { return sg4::Engine::get_clock(); }

}  // namespace

FastGil::ThreadSlot& FastGil::slot(int thread) {
  auto found = slots_.find(thread);
  if (found == slots_.end()) {
    found = slots_.emplace(thread, ThreadSlot{}).first;
    found->second.parking = sg4::Semaphore::create(0);
    found->second.timed_wait = timed_wait(thread);
    found->second.wakeup_latency = wakeup_latency(thread);
  }
  return found->second;
}

void FastGil::advance(double now) {
  if (now < next_event()) return;
  // While the GIL is unlocked, the first due event takes it: a waiter's timeout (the reference's
  // while (locked) loop ends) or a yielder's re-entry into take_gil().
  while (!locked_) {
    auto first_waiter = waiters_.end();
    for (auto w = waiters_.begin(); w != waiters_.end(); ++w)
      if (w->timeout <= now && (first_waiter == waiters_.end() || w->timeout < first_waiter->timeout ||
                                (w->timeout == first_waiter->timeout && w->order < first_waiter->order)))
        first_waiter = w;
    auto first_entry = std::min_element(pending_.begin(), pending_.end(),
                                        [](const PendingEntry& a, const PendingEntry& b) { return a.at < b.at; });
    const bool entry_due = first_entry != pending_.end() && first_entry->at <= now;
    if (first_waiter == waiters_.end() && !entry_due) break;
    int thread;
    double at;
    if (entry_due && (first_waiter == waiters_.end() || first_entry->at < first_waiter->timeout)) {
      thread = first_entry->thread;
      at = first_entry->at;
      pending_.erase(first_entry);
      slot(thread).requested = false;  // a new take_gil() call
      stale_ = true;
    } else {
      thread = first_waiter->thread;
      at = first_waiter->timeout;
      *first_waiter = waiters_.back();
      waiters_.pop_back();
      stale_ = true;
    }
    grant(thread, at);
  }
  // While it is locked, nothing that happened since the last call changed the state: each due
  // entry joins the queue, and each timeout re-queues its waiter, setting the drop request if no
  // switch happened during that wait.
  for (auto entry = pending_.begin(); entry != pending_.end();) {
    if (entry->at > now) {
      ++entry;
      continue;
    }
    ThreadSlot& s = slot(entry->thread);
    s.status = Status::Queued;
    s.requested = false;
    waiters_.push_back({entry->thread, entry->at, entry->at + s.timed_wait, s.timed_wait, switch_number_, next_order_++});
    entry = pending_.erase(entry);
  }
  for (Waiter& w : waiters_) {
    while (w.timeout <= now) {
      if (w.entry_switch == switch_number_) {  // SET_GIL_DROP_REQUEST
        if (!drop_request_ || w.timeout < request_time_) request_time_ = w.timeout;
        drop_request_ = true;
        slot(w.thread).requested = true;
      }
      w.entry = w.timeout;
      w.entry_switch = switch_number_;
      w.order = next_order_++;
      w.timeout = w.entry + w.timed_wait;
    }
  }
  stale_ = true;
  refresh();
}

void FastGil::grant(int thread, double at) {
  ThreadSlot& s = slot(thread);
  locked_ = true;
  holder_ = thread;
  if (last_holder_ != thread) {
    last_holder_ = thread;
    ++switch_number_;
    count_switch(thread);
    waiters_request_ = waiters_rearmed_request_;  // every current wait now times out harmlessly
  }
  if (switch_waiter_ >= 0 && switch_waiter_ != thread) {
    // FORCE_SWITCHING: the switch releases the dropper; it runs one wake-up latency later.
    ThreadSlot& dropper = slot(switch_waiter_);
    if (dropper.yields) {
      dropper.status = Status::Pending;
      pending_.push_back({switch_waiter_, at + dropper.wakeup_latency});
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

void FastGil::enqueue(int thread, double now) {
  ThreadSlot& s = slot(thread);
  s.status = Status::Queued;
  const Waiter w{thread, now, now + s.timed_wait, s.timed_wait, switch_number_, next_order_++};
  waiters_.push_back(w);
  // The newest wait is last in line and counts from now: the summaries update in place.
  if (waiters_.size() == 1) first_in_line_ = 0;
  waiters_event_ = std::min(waiters_event_, w.timeout);
  waiters_request_ = std::min(waiters_request_, w.timeout);
  waiters_rearmed_request_ = std::min(waiters_rearmed_request_, w.timeout + w.timed_wait);
  if (holder_waiting_ && w.timeout < holder_deadline_) ring_holder_ = true;
}

void FastGil::unlock_and_signal(double now) {
  locked_ = false;
  forget_eval_breaker();
  holder_ = -1;
  if (!waiters_.empty()) {
    // notify_one(): the condition variable wakes the waiter whose current wait began first.
    refresh();
    Waiter& first = waiters_[static_cast<std::size_t>(first_in_line_)];
    ThreadSlot& w = slot(first.thread);
    w.status = Status::Waking;
    w.wake_at = now + w.wakeup_latency;
    resume_later(first.thread);
    first = waiters_.back();
    waiters_.pop_back();
    stale_ = true;
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

void FastGil::refresh() {
  if (!stale_) return;
  waiters_event_ = waiters_request_ = waiters_rearmed_request_ = kNever;
  first_in_line_ = -1;
  for (std::size_t i = 0; i < waiters_.size(); ++i) {
    const Waiter& w = waiters_[i];
    waiters_event_ = std::min(waiters_event_, w.timeout);
    // A wait begun before the last switch times out harmlessly; the next one, begun then, counts.
    waiters_request_ = std::min(waiters_request_, w.entry_switch == switch_number_ ? w.timeout : w.timeout + w.timed_wait);
    waiters_rearmed_request_ = std::min(waiters_rearmed_request_, w.timeout + w.timed_wait);
    if (first_in_line_ < 0) {
      first_in_line_ = static_cast<int>(i);
      continue;
    }
    const Waiter& first = waiters_[static_cast<std::size_t>(first_in_line_)];
    if (w.entry < first.entry || (w.entry == first.entry && w.order < first.order)) first_in_line_ = static_cast<int>(i);
  }
  stale_ = false;
}

double FastGil::next_drop_request() {
  refresh();
  double next = waiters_request_;
  for (const PendingEntry& entry : pending_) next = std::min(next, entry.at + slots_.at(entry.thread).timed_wait);
  return next;
}

double FastGil::next_event() {
  refresh();
  double next = waiters_event_;
  for (const PendingEntry& entry : pending_) next = std::min(next, entry.at);
  return next;
}

void FastGil::resume_later(int thread) { to_resume_.push_back(thread); }

void FastGil::flush() {
  // Each resume() is a simcall: other actors may run and use the GIL (and this list) meanwhile.
  while (!to_resume_.empty()) {
    const int thread = to_resume_.front();
    to_resume_.erase(to_resume_.begin());
    slot(thread).parking->release();
  }
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
      sg4::this_actor::sleep_until(std::min(s.wake_at, locked_ ? kNever : next_event()));
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
