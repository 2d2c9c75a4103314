#pragma once
#include <functional>
#include <string>

namespace gilsim {

struct IsolatedResult {
  bool ok = false;
  std::string output;  // what the work returned (ok) or the error message (not ok)
  bool located = false;  // the error is already "where: error: what" (a ScenarioError)
  double wall_seconds = 0;
  long peak_rss_kib = 0;  // the child's peak resident memory
};

// Runs `work` in a forked child and returns what it produced. SimGrid allows one engine per
// process and its clock never resets, so every simulation runs in a child of its own; the
// parent never touches SimGrid. A crash of the child is reported as an error, not propagated.
// The child dies with the parent (PR_SET_PDEATHSIG): a killed gilsim leaves no simulation behind.
IsolatedResult run_isolated(const std::function<std::string()>& work);

}  // namespace gilsim
