#include "sim/engine/IsolatedRun.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>

#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

IsolatedResult run_isolated(const std::function<std::string()>& work) {
  IsolatedResult result;
  int fds[2];
  if (::pipe(fds) != 0) {
    result.output = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  std::fflush(nullptr);
  const auto started = std::chrono::steady_clock::now();
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    result.output = std::string("cannot fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return result;
  }
  if (pid == 0) {
    ::close(fds[0]);
    // The parent may have died before the prctl: then nobody waits for this run.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(1);
    std::string message;
    try {
      message = "OK\n" + work();
    } catch (const ScenarioError& e) {
      message = std::string("LOC\n") + e.what();
    } catch (const std::exception& e) {
      message = std::string("ERR\n") + e.what();
    }
    write_all(fds[1], message);
    ::close(fds[1]);
    std::fflush(nullptr);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string received;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.peak_rss_kib = usage.ru_maxrss;
  if (received.rfind("OK\n", 0) == 0) {
    result.ok = true;
    result.output = received.substr(3);
  } else if (received.rfind("ERR\n", 0) == 0) {
    result.output = received.substr(4);
  } else if (received.rfind("LOC\n", 0) == 0) {
    result.output = received.substr(4);
    result.located = true;
  } else if (WIFSIGNALED(status)) {
    result.output = "the simulation crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
  } else {
    result.output = "the simulation stopped without a result (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  }
  return result;
}

}  // namespace gilsim
