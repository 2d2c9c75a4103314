#include "models/ipc/PipeBuffer.hpp"

#include <algorithm>

#include "models/machine/Wakeup.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

PipeBuffer::PipeBuffer(double capacity, WakeupCurve wakeup, int writers)
    : capacity_(capacity),
      wakeup_(std::move(wakeup)),
      writers_(writers),
      mutex_(sg4::Mutex::create()),
      readable_(sg4::ConditionVariable::create()),
      writable_(sg4::ConditionVariable::create()) {}

// Only a change that satisfies the sleeper wakes it: the kernel wakes a writer when a read frees
// a page, not for every byte read.
template <class Ready>
void PipeBuffer::sleep_until(std::unique_lock<sg4::Mutex>& lock, sg4::ConditionVariable& cond, Ready ready) {
  // Pipe wake-ups are sync (wake_up_interruptible_sync_poll()): from the other end's thread.
  block_then_wake(lock, cond, ready, [&](double blocked) { return wakeup_.latency(blocked); }, WakeKind::Sync,
                  &waker_);
}

void PipeBuffer::write(double bytes, const Copy& copy) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  const bool atomic = bytes <= kPipeBuf;
  while (bytes > 0) {
    // An atomic write needs room for all of its bytes; a larger one needs a free page (or room
    // for what is left of it).
    const double needed = atomic ? bytes : std::min(bytes, kPipeBuf);
    sleep_until(lock, *writable_, [&] { return capacity_ - buffered_ >= needed; });
    const double chunk = std::min(bytes, capacity_ - buffered_);
    copy(chunk);
    buffered_ += chunk;
    bytes -= chunk;
    waker_ = os::current_thread();
    readable_->notify_all();
  }
}

double PipeBuffer::read(double bytes, const Copy& copy) {
  return read([bytes] { return bytes; }, copy);
}

double PipeBuffer::read(const std::function<double()>& wanted, const Copy& copy) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  sleep_until(lock, *readable_, [&] { return buffered_ > 0 || writers_ == 0; });
  if (buffered_ <= 0) return 0;
  const double chunk = std::min(wanted(), buffered_);
  if (chunk <= 0) return 0;
  copy(chunk);
  buffered_ -= chunk;
  waker_ = os::current_thread();
  writable_->notify_all();
  return chunk;
}

void PipeBuffer::close_write_end() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  if (--writers_ == 0) {
    waker_ = os::current_thread();
    readable_->notify_all();
  }
}

}  // namespace gilsim
