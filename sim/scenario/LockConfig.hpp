#pragma once

namespace gilsim {

// CPU costs of a threading.Lock release() beyond its Python call, paid by the releaser with the
// GIL held (README "threading.Lock", where each default's source is given).
struct LockConfig {
  // s: a release that wakes a sleeping waiter: glibc's sem_post() calling futex_wake (3.11,
  // 3.12), or the parking lot's unpark (3.13+).
  double release_wake = 0;
  // s: a 3.11/3.12 release while a waiter is inside sem_wait() but awake (nwaiters > 0): the
  // futex_wake system call still runs, and finds nobody to wake.
  double release_syscall = 0;
};

}  // namespace gilsim
