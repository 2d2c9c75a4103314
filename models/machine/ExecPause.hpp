#pragma once
#include <simgrid/s4u.hpp>

namespace gilsim {

// Suspends and resumes an exec any number of times. SimGrid 3.32's s4u::Activity::resume()
// leaves the activity's private `suspended_` flag set, so every suspend() after the first one
// is silently ignored and the "paused" exec keeps running (fixed upstream, where resume() ends
// with `suspended_ = false`). resume_exec() clears the flag as the fixed version does.
void pause_exec(simgrid::s4u::Exec& exec);
void resume_exec(simgrid::s4u::Exec& exec);

}  // namespace gilsim
