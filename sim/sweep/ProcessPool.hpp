#pragma once
#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace gilsim::sweep {

// One command of the pool: argv[0] is an absolute path; stdout and stderr go to files.
struct PoolJob {
  std::vector<std::string> argv;
  std::string stdout_path;
  std::string stderr_path;
};

// How a job ended.
struct PoolOutcome {
  bool started = false;   // false: it could not be started (message in `error`)
  int exit_code = -1;     // when it exited
  int signal = 0;         // when a signal killed it
  std::string error;
};

// Runs `jobs` with at most `parallelism` child processes at a time: each is started (fork +
// exec) with its output redirected, in a process group of its own, and dies with the sweep
// (PR_SET_PDEATHSIG: even a SIGKILL of the sweep leaves no job running). Finished children are reaped by a
// non-blocking waitpid loop that sleeps in sigtimedwait(SIGCHLD) between events, so no thread is
// needed. `on_done(i, outcome)` is called in the parent as job i ends (in completion order);
// `on_tick()` at least every `tick_seconds`. When `*stop` becomes non-zero (a signal handler),
// no new job starts and the process groups of the running ones (each job leads its own) get
// SIGTERM; `on_done` is not called for them.
// Returns false when it stopped early.
bool run_pool(const std::vector<PoolJob>& jobs, int parallelism,
              const std::function<void(std::size_t, const PoolOutcome&)>& on_done,
              const std::function<void()>& on_tick, double tick_seconds, volatile std::sig_atomic_t* stop);

}  // namespace gilsim::sweep
