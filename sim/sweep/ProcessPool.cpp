#include "sim/sweep/ProcessPool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>

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

// Runs in the forked child until exec: only async-signal-safe calls. Reports a failure as its
// errno through `report` (close-on-exec, so a successful exec closes it empty).
[[noreturn]] void exec_job(const PoolJob& job, char* const* argv, pid_t parent, int report) {
  // A process group of its own: stopping the sweep then ends the job and whatever it forked
  // (gilsim run simulates in a forked child) with one kill(-pgid).
  ::setpgid(0, 0);
  // The job dies with the sweep, even by SIGKILL, which leaves no handler to stop it; the prctl
  // outlives exec. The sweep may have died before it: then nobody waits for this job.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);  // the sweep blocks SIGCHLD; the job must not
  const auto redirect = [&](int target, const char* path, int flags) {
    const int fd = ::open(path, flags, 0644);
    if (fd < 0 || ::dup2(fd, target) < 0) return false;
    if (fd != target) ::close(fd);
    return true;
  };
  if (redirect(STDIN_FILENO, "/dev/null", O_RDONLY) &&
      redirect(STDOUT_FILENO, job.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC) &&
      redirect(STDERR_FILENO, job.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC))
    ::execv(argv[0], argv);
  const int error = errno;
  while (::write(report, &error, sizeof error) < 0 && errno == EINTR) {
  }
  ::_exit(127);
}

pid_t spawn(const PoolJob& job, std::string& error) {
  std::vector<char*> argv;
  for (const std::string& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    error = "cannot start " + job.argv[0] + ": " + std::strerror(errno);
    return -1;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    exec_job(job, argv.data(), parent, report[1]);
  }
  ::close(report[1]);
  if (pid < 0) {
    error = "cannot start " + job.argv[0] + ": " + std::strerror(errno);
    ::close(report[0]);
    return -1;
  }
  int child_errno = 0;
  ssize_t n;
  while ((n = ::read(report[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {  // exec failed: reap the child now
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    error = "cannot start " + job.argv[0] + ": " + std::strerror(child_errno);
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
