#include "sim/trace/TraceInput.hpp"

#include <zlib.h>

#include <array>

#include "sim/util/InputFile.hpp"
#include "sim/util/ScenarioError.hpp"

namespace gilsim {

// zlib's gzread reads a gzip file decompressed and any other file as it is ("transparent"
// mode), so one reader serves both.
class TraceInput::Buffer : public std::streambuf {
 public:
  explicit Buffer(const std::string& file) : file_(file) {
    if (const auto problem = unreadable_input(file)) throw ScenarioError(file, "cannot open the trace file: " + *problem);
    gz_ = gzopen(file.c_str(), "rb");
    if (!gz_) throw ScenarioError(file, "cannot open the trace file");
    gzbuffer(gz_, kChunk);
  }
  ~Buffer() override {
    if (gz_) gzclose_r(gz_);
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const int n = gzread(gz_, chunk_.data(), static_cast<unsigned>(chunk_.size()));
    if (n < 0) {
      int code = 0;
      const char* message = gzerror(gz_, &code);
      throw ScenarioError(file_, std::string("cannot read the trace file: ") +
                                     (code == Z_DATA_ERROR ? "corrupt gzip data" : message ? message : "read error"));
    }
    if (n == 0) return traits_type::eof();
    setg(chunk_.data(), chunk_.data(), chunk_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr unsigned kChunk = 1 << 16;
  std::string file_;
  gzFile gz_ = nullptr;
  std::array<char, kChunk> chunk_{};
};

TraceInput::TraceInput(const std::string& file) : buffer_(std::make_unique<Buffer>(file)) {}
TraceInput::~TraceInput() = default;
std::streambuf* TraceInput::buffer() { return buffer_.get(); }

}  // namespace gilsim
