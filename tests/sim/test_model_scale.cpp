#include <doctest/doctest.h>

#include "sim/validation/ModelScale.hpp"
#include "tests/sim/SimTestSupport.hpp"

// The scales a validation control applies: each must change the model it names, by the factor.

using namespace gilsim;
using namespace gilsim::testing;

TEST_CASE("control scale native.gil_released x0: native calls keep the GIL and run one after another") {
  Scenario s = load_variant("scenarios/validation/native/native.yaml", "");
  // 2 threads of one 300 ms GIL-free call on 2 CPUs: side by side, 300 ms (plus GIL latencies
  // of microseconds; epsilon 1e-3 accepts +-1.6 ms).
  CHECK(simulate_summary(s).makespan == doctest::Approx(0.300).epsilon(1e-3));
  apply_scale(s, "native.gil_released", 0);
  // Holding the GIL without checking for drop requests: 300 + 300 = 600 ms.
  CHECK(simulate_summary(s).makespan == doctest::Approx(0.600).epsilon(1e-3));
}

TEST_CASE("control scale native.gil_released x0.5: half of each call holds the GIL") {
  Scenario s = load_variant("scenarios/validation/native/native.yaml", "");
  apply_scale(s, "native.gil_released", 0.5);
  // Each thread: 150 ms holding the GIL, then 150 ms without. The held halves serialise (300 ms);
  // the second thread's free half ends 150 ms after its held half: 450 ms.
  CHECK(simulate_summary(s).makespan == doctest::Approx(0.450).epsilon(1e-3));
}

TEST_CASE("control scale runtime.process_start: every start cost, not the exit") {
  Scenario s = load_variant("scenarios/seed/start_methods.yaml", "spawn");
  apply_scale(s, "runtime.process_start", 0.5);
  // Defaults halved: 8 starts of 2.5 ms in the parent (20 ms), the last child boots 67.5 ms,
  // computes 1 s, and exits in 10 ms (unscaled): 1.0975 s (1.185 s unscaled).
  CHECK(simulate_summary(s).makespan == doctest::Approx(0.020 + 0.0675 + 1.0 + 0.010).epsilon(1e-6));
}
