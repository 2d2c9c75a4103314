#pragma once
#include <cmath>
#include <limits>
#include <set>

namespace gilsim {

// The threads waiting for one GIL, ordered by the phase of their timed waits. A waiter's chain
// of waits ends at chain + k × period (k = 1, 2, ...), with the same period for every waiter of
// the GIL, so the waiters' order around the period never changes while they wait: the next wait
// to end after any instant is found in O(log n), without stepping every waiter's timer. The
// event-driven GIL (FastGil) asks all its questions this way: who times out first, who has
// waited longest, and whose wait ended within a window.
class WaiterRing {
 public:
  explicit WaiterRing(double period) : period_(period) {}

  struct End {
    int thread = -1;
    double at = std::numeric_limits<double>::infinity();
    double k = 0;  // which wait of the chain ends at `at` (1 for the first)
  };

  void add(int thread, double chain) { waiters_.insert(key(thread, chain)); }
  void remove(int thread, double chain) { waiters_.erase(key(thread, chain)); }
  bool empty() const { return waiters_.empty(); }
  std::size_t size() const { return waiters_.size(); }
  double period() const { return period_; }

  // The first end of a wait of `chain` strictly after `t`. It is computed as chain + k × period,
  // exactly the expression the literal engine waits until, so both engines agree to the bit.
  End next_end(int thread, double chain, double t) const;
  // The earliest end of any waiter's wait strictly after `t` (ties: the lower thread id). With
  // `later` > 0, each waiter's end `later` waits after that one.
  End earliest_after(double t, int later = 0) const;
  // Calls visit(End) for every waiter whose wait end after `t` (moved `later` waits on, as
  // above) is at or before `until`.
  template <class Visit>
  void for_each_ending(double t, double until, Visit visit, int later = 0) const;
  // Moves every waiter into `other` (same period).
  void move_all_to(WaiterRing& other);

 private:
  struct Key {
    double phase;  // chain modulo the period
    int thread;
    double chain;
    bool operator<(const Key& o) const { return phase < o.phase || (phase == o.phase && thread < o.thread); }
  };
  Key key(int thread, double chain) const { return Key{phase_of(chain), thread, chain}; }
  // Where `t` falls in the period. It only orders the ring, so it need not be exact (std::fmod
  // is ten times slower): ends are always computed exactly, and a phase within `slack(t)` of
  // t's phase may end just before or just after t, so such waiters are computed exactly.
  double phase_of(double t) const {
    const double phase = t - std::floor(t / period_) * period_;
    return phase < 0 ? 0 : (phase >= period_ ? 0 : phase);
  }
  static double slack(double t) { return 1e-9 + 1e-14 * t; }
  // Visits waiters in phase order from just before t's phase, around the ring once, while
  // `more(distance)` holds, where `distance` underestimates how long after t the waiter's next
  // wait ends.
  template <class Visit, class More>
  void scan_from(double t, int later, Visit visit, More more) const;

  double period_;
  std::set<Key> waiters_;
};

template <class Visit, class More>
void WaiterRing::scan_from(double t, int later, Visit visit, More more) const {
  if (waiters_.empty()) return;
  const double margin = slack(t);
  double start = phase_of(t) - margin;
  if (start < 0) start += period_;
  auto it = waiters_.lower_bound(Key{start, std::numeric_limits<int>::min(), 0});
  for (std::size_t visited = 0; visited < waiters_.size(); ++visited, ++it) {
    if (it == waiters_.end()) it = waiters_.begin();
    double distance = it->phase - start;
    if (distance < 0) distance += period_;
    if (!more(distance - 2 * margin + later * period_)) return;
    End end = next_end(it->thread, it->chain, t);
    if (later > 0) {
      end.k += later;
      end.at = it->chain + end.k * period_;
    }
    visit(end);
  }
}

template <class Visit>
void WaiterRing::for_each_ending(double t, double until, Visit visit, int later) const {
  scan_from(
      t, later,
      [&](const End& end) {
        if (end.at <= until) visit(end);
      },
      [&](double distance) { return distance <= until - t; });
}

}  // namespace gilsim
