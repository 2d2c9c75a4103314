#pragma once
#include <utility>

#include <simgrid/simix.hpp>

namespace gilsim {

// Runs `code` in SimGrid's kernel (maestro) context as one simcall. Each s4u call made by an
// actor is a simcall of its own: two context switches, and a point where other actors may run.
// Batching them here costs one round trip, and the batch is atomic: no other actor runs inside.
// `code` must not block (SimGrid's rule for simcall_answered).
template <class Code>
auto in_kernel(Code&& code) {
  return simgrid::kernel::actor::simcall_answered(std::forward<Code>(code));
}

}  // namespace gilsim
