#pragma once
#include <functional>

#include <simgrid/s4u.hpp>

#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// The kernel side of one OS pipe (Linux fs/pipe.c): a buffer of `capacity` bytes between the
// write and the read end.
//  - pipe_write and pipe_read copy while holding the pipe's mutex, so a copy in and a copy out
//    never overlap; whoever comes second waits for the mutex (no sleep, no wake-up).
//  - A write copies what fits; if bytes remain, the writer sleeps until a read frees a page
//    (4096 bytes). Writes of at most PIPE_BUF (4096) bytes are atomic: they wait for room for
//    all of their bytes (pipe(7)).
//  - A read sleeps while the buffer is empty and a write end is open, then copies what is there,
//    up to what it asked for; it returns 0 (end of file) once empty with every write end closed.
//  - A writer or reader that had to sleep runs `wakeup_latency` after being woken (the scheduler
//    waking a blocked process), and finds the buffer as it is then.
// Capacity is counted in bytes; the kernel counts pages (16 of 4 KiB), which is the same for
// writes that fill whole pages and merge small writes into the last page.
class PipeBuffer {
 public:
  static constexpr double kPipeBuf = 4096;  // PIPE_BUF and the page size on Linux x86
  using Copy = std::function<void(double bytes)>;  // runs a copy of that many bytes, blocking

  PipeBuffer(double capacity, WakeupCurve wakeup, int writers);

  void write(double bytes, const Copy& copy);
  // Returns the bytes read (at most `bytes`), 0 at end of file.
  double read(double bytes, const Copy& copy);
  // The same, asking for `wanted()` bytes once some are there (a socket's reader learns then how
  // long the message is that starts the buffer).
  double read(const std::function<double()>& wanted, const Copy& copy);
  void close_write_end();  // a writer is done: once the buffer is empty, reads return 0
  double buffered() const { return buffered_; }

 private:
  // Sleeps on `cond` until a notification finds ready(); a thread that had to sleep runs its
  // wake-up latency after that notification, and checks again.
  template <class Ready>
  void sleep_until(std::unique_lock<simgrid::s4u::Mutex>& lock, simgrid::s4u::ConditionVariable& cond, Ready ready);

  double capacity_;
  WakeupCurve wakeup_;
  int writers_;
  double buffered_ = 0;
  int waker_ = -1;  // the thread whose read or write last woke the other end
  simgrid::s4u::MutexPtr mutex_;                  // pipe->mutex
  simgrid::s4u::ConditionVariablePtr readable_;   // pipe->rd_wait
  simgrid::s4u::ConditionVariablePtr writable_;   // pipe->wr_wait
};

}  // namespace gilsim
