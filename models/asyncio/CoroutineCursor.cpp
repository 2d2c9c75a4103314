#include "models/asyncio/CoroutineCursor.hpp"

namespace gilsim {

void CoroutineCursor::advance() {
  ++frames_.back().pc;
  settle();
}

void CoroutineCursor::settle() {
  while (!frames_.empty() && frames_.back().pc == frames_.back().steps->size()) {
    Frame& frame = frames_.back();
    if (frame.left > 1) {
      --frame.left;
      frame.pc = 0;
      return;
    }
    const bool consume = frame.consume;
    frames_.pop_back();
    if (!frames_.empty() && !consume) ++frames_.back().pc;  // past the repeat
  }
}

}  // namespace gilsim
