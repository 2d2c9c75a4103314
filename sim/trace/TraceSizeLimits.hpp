#pragma once
#include <cstddef>

namespace gilsim {

// A trace file is at most 1 GiB (README "Limits"), written or read (decompressed): Perfetto and
// chrome://tracing load JSON traces whole, and larger ones would fill disks (5 GB for 10^7
// steps). A reader also bounds one event's bytes and the spans it keeps, so that a wrong or
// hostile file is refused instead of exhausting memory.
constexpr std::size_t kMaxTraceBytes = std::size_t{1} << 30;
constexpr std::size_t kMaxEventBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxTraceSteps = 10000000;

}  // namespace gilsim
