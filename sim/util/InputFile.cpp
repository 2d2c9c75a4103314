#include "sim/util/InputFile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

// Closes the descriptor on every path out of read_input_file.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// file:line:col of byte `offset` (columns count bytes, as yaml-cpp's marks do).
std::string position_of(const std::string& path, const std::string& text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

std::string describe_bytes(std::size_t bytes) {
  char buffer[48];
  if (bytes >= (std::size_t{1} << 30) && bytes % (std::size_t{1} << 30) == 0)
    std::snprintf(buffer, sizeof buffer, "%zu GiB", bytes >> 30);
  else if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0)
    std::snprintf(buffer, sizeof buffer, "%zu MiB", bytes >> 20);
  else if (bytes >= (std::size_t{1} << 20))
    std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else
    std::snprintf(buffer, sizeof buffer, "%zu bytes", bytes);
  return buffer;
}

std::optional<std::string> unreadable_input(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::string(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return std::string("is a directory");
  if (::access(path.c_str(), R_OK) != 0) return std::string(std::strerror(errno));
  return std::nullopt;
}

std::string read_input_file(const std::string& path, const InputKind& kind) {
  const std::string what = kind.what;
  // O_NONBLOCK: opening a FIFO nobody writes to must not hang; it is cleared below.
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) throw ScenarioError(path, "cannot open the " + what + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw ScenarioError(path, "cannot read the " + what + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw ScenarioError(path, "is a directory; expected a " + what);
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > kind.max_bytes)
    throw ScenarioError(path, "the " + what + " is " + describe_bytes(static_cast<std::size_t>(st.st_size)) +
                                  ", more than the limit of " + describe_bytes(kind.max_bytes));
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ScenarioError(path, "cannot read the " + what + ": " + std::strerror(errno));
    if (n == 0) break;
    // A pipe or a device has no size to check up front.
    if (text.size() + static_cast<std::size_t>(n) > kind.max_bytes)
      throw ScenarioError(path, "the " + what + " is more than the limit of " + describe_bytes(kind.max_bytes));
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos)
    throw ScenarioError(position_of(path, text, nul), "a NUL byte; expected a text file (YAML and JSON do not allow NUL)");
  return text;
}

}  // namespace gilsim
