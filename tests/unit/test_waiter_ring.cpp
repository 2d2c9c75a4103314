// WaiterRing answers FastGil's questions about chains of timed waits ending at chain + k x period.
#include <doctest/doctest.h>

#include <vector>

#include "models/python/WaiterRing.hpp"
#include "tests/support/Tolerance.hpp"

using gilsim::WaiterRing;

namespace {

// Period 5 ms; thread 1's waits end at 0.3 + 5k ms, thread 2's at 2.1 + 5k ms (k >= 1).
WaiterRing two_waiters() {
  WaiterRing ring(0.005);
  ring.add(1, 0.0003);
  ring.add(2, 0.0021);
  return ring;
}

}  // namespace

TEST_CASE("the earliest wait end after an instant is found among chains of one period") {
  const WaiterRing ring = two_waiters();
  // At 10.4 ms: thread 1 ended its second wait at 10.3 ms, its third ends at 15.3 ms; thread 2's
  // second ends at 12.1 ms. Wait ends are exact but for floating-point rounding (relative 1e-9;
  // doctest::Approx's default accepted +-12 us).
  WaiterRing::End end = ring.earliest_after(0.0104);
  CHECK(end.thread == 2);
  CHECK_REL(end.at, 0.0121, 1e-9);
  CHECK(end.k == 2);
  // One wait later for each: thread 2 at 17.1 ms, thread 1 at 20.3 ms.
  end = ring.earliest_after(0.0104, 1);
  CHECK(end.thread == 2);
  CHECK_REL(end.at, 0.0171, 1e-9);
  // Before any wait has ended, the first ends count (k = 1): thread 1 at 5.3 ms.
  end = ring.earliest_after(0.0);
  CHECK(end.thread == 1);
  CHECK_REL(end.at, 0.0053, 1e-9);
  CHECK(end.k == 1);
}

TEST_CASE("a wait ending exactly at the instant is not after it") {
  const WaiterRing ring = two_waiters();
  const double end_of_second_wait = 0.0003 + 2 * 0.005;  // the expression both engines wait until
  CHECK(ring.next_end(1, 0.0003, end_of_second_wait).k == 3);
  CHECK(ring.next_end(1, 0.0003, end_of_second_wait).at == 0.0003 + 3 * 0.005);
}

TEST_CASE("waiters whose next wait ends within a window are all visited, once") {
  WaiterRing ring = two_waiters();
  std::vector<int> seen;
  ring.for_each_ending(0.0104, 0.016, [&](const WaiterRing::End& e) { seen.push_back(e.thread); });
  CHECK(seen == std::vector<int>{2, 1});  // 12.1 ms, then 15.3 ms
  seen.clear();
  ring.for_each_ending(0.0104, 0.013, [&](const WaiterRing::End& e) { seen.push_back(e.thread); });
  CHECK(seen == std::vector<int>{2});
  seen.clear();
  ring.for_each_ending(0.0104, 1.0, [&](const WaiterRing::End& e) { seen.push_back(e.thread); });
  CHECK(seen.size() == 2);  // a window longer than the period holds every waiter once
  ring.remove(2, 0.0021);
  CHECK(ring.earliest_after(0.0104).thread == 1);
  CHECK(ring.size() == 1);
}
