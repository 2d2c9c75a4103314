// libFuzzer target: the measured-trace reader (the streaming JSON reader and the trace checks).
// Any outcome but a trace or a ScenarioError is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "sim/trace/MeasuredTrace.hpp"
#include "sim/util/ScenarioError.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    (void)gilsim::read_trace(in, "fuzz.json");
  } catch (const gilsim::ScenarioError&) {
  }
  return 0;
}
