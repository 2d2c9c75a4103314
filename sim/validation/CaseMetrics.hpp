#pragma once
#include <string>

#include "sim/validation/CaseFile.hpp"
#include "sim/validation/SpanTrace.hpp"

namespace gilsim {

enum class Side { Measured, Simulated };

// A metric's value on one side, or why it has none (nothing selected: a case file error that
// must fail the comparison, never read as zero).
struct MetricValue {
  bool ok = false;
  double value = 0;
  std::string error;
};

// Computes `metric` from one trace, with its selectors for `side`. Both sides go through the
// same code: spans by selector, GIL runs by the span they lie in, each thread's runs merged over
// pauses up to `min_pause` (what the recorder cannot see on the measured side).
MetricValue metric_value(const MetricSpec& metric, Side side, const SpanTrace& trace, double min_pause);

std::string describe(const Selector& selector);

}  // namespace gilsim
