#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace gilsim {

// asyncio.Queue(maxsize) as Lib/asyncio/queues.py implements it (3.11), for tasks of one event
// loop: get() on an empty queue and put() on a full one wait in FIFO order, and each put_nowait
// (get_nowait) wakes the first getter (putter). A woken task checks again when it runs, so a
// task that was ready earlier may take the item first; the woken one then waits again, at the
// back. As the simulator's channels, it is closed once every coroutine that puts to it has
// returned and it is empty: a consume loop stops there.
class AsyncioQueue {
 public:
  AsyncioQueue(std::string name, int64_t maxsize, int64_t producers)
      : name_(std::move(name)), maxsize_(maxsize), producers_(producers) {}

  const std::string& name() const { return name_; }
  int64_t maxsize() const { return maxsize_; }
  bool empty() const { return items_ == 0; }
  bool full() const { return maxsize_ > 0 && items_ >= maxsize_; }
  bool closed() const { return items_ == 0 && producers_ == 0; }

  // put_nowait() / get_nowait(): each returns the waiter it wakes, or -1.
  int put();
  int get();
  void wait_to_get(int task) { getters_.push_back(task); }
  void wait_to_put(int task) { putters_.push_back(task); }
  // A coroutine that puts to the queue returned. After the last one, the getters are woken to
  // see the queue closed once it is empty: they are returned.
  std::vector<int> producer_returned();

 private:
  static int wake_next(std::deque<int>& waiters);

  std::string name_;
  int64_t maxsize_;
  int64_t producers_;
  int64_t items_ = 0;
  std::deque<int> getters_;
  std::deque<int> putters_;
};

}  // namespace gilsim
