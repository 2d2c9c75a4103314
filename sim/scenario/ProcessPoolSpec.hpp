#pragma once
#include "sim/scenario/StartMethod.hpp"

namespace gilsim {

// Pickled arguments and result of one task handed to another process or interpreter, and the
// objects in each (for the per-object pickling cost).
struct Payload {
  double input_bytes = 0;
  double output_bytes = 0;
  double objects = 0;
};

// concurrent.futures.ProcessPoolExecutor(max_workers=workers,
// mp_context=multiprocessing.get_context(start_method)).
struct ProcessPoolSpec {
  int workers = 1;  // 0: os.cpu_count()
  StartMethod start_method = StartMethod::Fork;
};

}  // namespace gilsim
