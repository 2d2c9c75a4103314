#include "sim/util/CheckedOutput.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "sim/util/InputFile.hpp"
#include "sim/util/ScenarioError.hpp"

namespace gilsim {
namespace {

// A streambuf over a file descriptor that checks every write(2) and counts bytes. Errors are
// kept (errno text) and make further writes fail, so the ostream goes bad at once.
class CheckedFileBuffer : public std::streambuf {
 public:
  CheckedFileBuffer(int fd, std::size_t max_bytes) : fd_(fd), max_bytes_(max_bytes) { setp(buffer_, buffer_ + sizeof buffer_); }
  ~CheckedFileBuffer() override = default;

  const std::string& error() const { return error_; }
  bool too_large() const { return too_large_; }
  bool flush_all() { return sync() == 0; }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  // tellp(): the bytes written so far, flushed or not, so that a writer can keep within max_bytes.
  pos_type seekoff(off_type offset, std::ios_base::seekdir dir, std::ios_base::openmode which) override {
    if (offset != 0 || dir != std::ios_base::cur || !(which & std::ios_base::out)) return pos_type(off_type(-1));
    return pos_type(static_cast<off_type>(written_ + static_cast<std::size_t>(pptr() - pbase())));
  }

  int sync() override {
    if (!error_.empty()) return -1;
    const std::size_t pending = static_cast<std::size_t>(pptr() - pbase());
    if (written_ + pending > max_bytes_) {
      too_large_ = true;
      error_ = "too large";
      return -1;
    }
    std::size_t done = 0;
    while (done < pending) {
      const ssize_t n = ::write(fd_, pbase() + done, pending - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? std::strerror(errno) : "nothing was written";
        return -1;
      }
      done += static_cast<std::size_t>(n);
    }
    written_ += pending;
    setp(buffer_, buffer_ + sizeof buffer_);
    return 0;
  }

 private:
  int fd_;
  std::size_t max_bytes_;
  std::size_t written_ = 0;
  bool too_large_ = false;
  std::string error_;
  char buffer_[1 << 16];
};

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool is_regular(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

void make_directories(const std::string& dir, const std::string& where) {
  if (dir.empty()) return;
  std::string partial = dir[0] == '/' ? "/" : "";
  std::size_t start = 0;
  while (start <= dir.size()) {
    const std::size_t slash = dir.find('/', start);
    const std::string part = dir.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      partial += part;
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
        throw ScenarioError(where, "cannot create the folder " + partial + ": " + std::strerror(errno));
      partial += "/";
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

void prepare_output_path(const std::string& path, const std::string& option) {
  const std::string where = option + " " + path;
  if (path.empty()) throw ScenarioError(option + " ''", "expected a file name");
  if (path.back() == '/') throw ScenarioError(where, "expected a file name, not a folder");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw ScenarioError(where, "is a directory; expected a file name");
  const std::string parent = parent_of(path);
  make_directories(parent, where);
  if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ScenarioError(where, parent + " is not a folder");
  // An existing file (or device, such as /dev/null) must be writable; a new one, its folder.
  const bool exists = ::access(path.c_str(), F_OK) == 0;
  if (::access(exists ? path.c_str() : parent.c_str(), W_OK) != 0)
    throw ScenarioError(where, std::string("cannot write there: ") + std::strerror(errno));
}

void write_output_file(const std::string& path, const std::function<void(std::ostream&)>& writer, std::size_t max_bytes,
                       const std::string& too_large) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw ScenarioError(path, std::string("cannot write the file: ") + std::strerror(errno));
  CheckedFileBuffer buffer(fd, max_bytes);
  std::ostream out(&buffer);
  std::string failure;
  try {
    writer(out);
    out.flush();
    buffer.flush_all();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (failure.empty() && buffer.too_large())
    failure = "the file would be larger than the limit of " + describe_bytes(max_bytes) + (too_large.empty() ? "" : "; " + too_large);
  else if (failure.empty() && !buffer.error().empty())
    failure = "cannot write the file: " + buffer.error();
  if (::close(fd) != 0 && failure.empty()) failure = std::string("cannot write the file: ") + std::strerror(errno);
  if (!failure.empty()) {
    if (is_regular(path)) std::remove(path.c_str());  // no truncated file left behind
    throw ScenarioError(path, failure);
  }
}

std::string standard_output_error() {
  std::cout.flush();
  const bool bad = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!bad) return "";
  const int saved = errno;
  return std::string("cannot write to standard output") + (saved ? std::string(": ") + std::strerror(saved) : "");
}

}  // namespace gilsim
