#pragma once
#include <string>

#include "sim/loader/NodeReader.hpp"
#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// A wake-up latency: one duration, or a mapping from blocked (or idle) time to latency such as
// {100us: 12us, 1ms: 45us, 10ms: 120us}, in increasing blocked time (WakeupCurve).
WakeupCurve read_wakeup(const ValueReader& values, const YAML::Node& node, const std::string& path);

}  // namespace gilsim
