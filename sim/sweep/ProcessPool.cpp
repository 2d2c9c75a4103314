#include "sim/sweep/ProcessPool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>

extern char** environ;

namespace gilsim::sweep {
namespace {

// SIGCHLD is blocked while the pool runs so that sigtimedwait() can wait for it without a
// handler; the previous mask comes back on every exit path.
class BlockSigchld {
 public:
  BlockSigchld() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~BlockSigchld() {
    // Drain a pending SIGCHLD so unblocking does not run a default action twice (it is ignored).
    timespec zero{0, 0};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  const sigset_t& set() const { return set_; }

 private:
  sigset_t set_;
  sigset_t previous_;
};

pid_t spawn(const PoolJob& job, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, job.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, job.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attributes, &empty);  // the child must not inherit the blocked SIGCHLD
  // A process group of its own: stopping the sweep then ends the job and whatever it forked
  // (gilsim run simulates in a forked child) with one kill(-pgid).
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv;
  for (const std::string& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    error = "cannot start " + job.argv[0] + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

double now_seconds() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

}  // namespace

bool run_pool(const std::vector<PoolJob>& jobs, int parallelism,
              const std::function<void(std::size_t, const PoolOutcome&)>& on_done,
              const std::function<void()>& on_tick, double tick_seconds, volatile std::sig_atomic_t* stop) {
  BlockSigchld block;
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  double last_tick = now_seconds();
  const auto stopping = [&] { return stop && *stop; };

  while ((next < jobs.size() && !stopping()) || !running.empty()) {
    while (!stopping() && next < jobs.size() && running.size() < static_cast<std::size_t>(parallelism)) {
      PoolOutcome outcome;
      const pid_t pid = spawn(jobs[next], outcome.error);
      if (pid < 0) on_done(next, outcome);
      else running.emplace(pid, next);
      ++next;
    }
    if (stopping()) {
      for (const auto& entry : running) ::kill(-entry.first, SIGTERM);  // the job's process group
      for (const auto& entry : running) {
        int status = 0;
        while (::waitpid(entry.first, &status, 0) < 0 && errno == EINTR) {
        }
      }
      return false;
    }
    bool reaped = false;
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      auto it = running.find(pid);
      if (it == running.end()) continue;  // not one of ours
      PoolOutcome outcome;
      outcome.started = true;
      if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
      else if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
      const std::size_t index = it->second;
      running.erase(it);
      on_done(index, outcome);
      reaped = true;
    }
    const double now = now_seconds();
    if (now - last_tick >= tick_seconds || reaped) {
      on_tick();
      last_tick = now;
    }
    if (!reaped && !running.empty()) {
      const double wait = tick_seconds > 0 ? tick_seconds : 0.1;
      timespec timeout{static_cast<time_t>(wait), static_cast<long>((wait - static_cast<time_t>(wait)) * 1e9)};
      sigtimedwait(&block.set(), nullptr, &timeout);  // a child ended, the timeout, or EINTR (a stop signal)
    }
  }
  on_tick();
  return !stopping() || next >= jobs.size();
}

}  // namespace gilsim::sweep
