#pragma once
#include <memory>
#include <streambuf>
#include <string>

namespace gilsim {

// A trace file's bytes, decompressed when the file is gzip (the validation suite keeps its
// program traces as .trace.json.gz: a convoy run's 50,000 spans take 15 MB of JSON and 1 MB
// compressed) and as they are otherwise. Read errors and corrupt gzip data throw ScenarioError
// naming the file; the readers bound the decompressed size (a gzip bomb stops at their limit).
class TraceInput {
 public:
  explicit TraceInput(const std::string& file);  // throws ScenarioError when it cannot be opened
  ~TraceInput();
  TraceInput(const TraceInput&) = delete;
  TraceInput& operator=(const TraceInput&) = delete;

  std::streambuf* buffer();

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
};

}  // namespace gilsim
