// Process start by Python version (README "Python versions", "Processes and IPC"): who runs the
// main module again under the forkserver, against hand-computed makespans.
#include <doctest/doctest.h>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

TEST_CASE("forkserver: every 3.11 child imports the main module again, the 3.14 server imports it once") {
  const char* file = "scenarios/seed/forkserver_versions.yaml";
  const double py311 = simulate_summary(load_variant(file, "python-3.11")).makespan;
  const double py314 = simulate_summary(load_variant(file, "python-3.14")).makespan;
  // One core, so the makespan is every piece of work one after another (the default forkserver
  // costs: server 25 ms, 2 ms per start in the parent, 38 ms per child, 1 ms exit):
  // 3.11: 25 + 8 x 2 + 8 x (38 + 50 import) + 8 x 1 ms of work + 8 x 1 exit = 761 ms.
  CHECK_ABS(py311, 0.761, 1e-9);
  // 3.14: the server imports __main__ once: 25 + 50 + 8 x 2 + 8 x 38 + 8 + 8 = 411 ms.
  CHECK_ABS(py314, 0.411, 1e-9);
  // Negative control: with the import charged as 3.14 charges it, 3.11 would give 411 ms, and the
  // first check would fail by 350 ms; without the main module both versions give the same 361 ms.
  const std::vector<Override> no_import{parse_override("runtime.main_module={import: 0s}")};
  const double py311_bare = simulate_summary(load_variant(file, "python-3.11", no_import)).makespan;
  const double py314_bare = simulate_summary(load_variant(file, "python-3.14", no_import)).makespan;
  CHECK_ABS(py311_bare, 0.361, 1e-9);
  CHECK_ABS(py314_bare, 0.361, 1e-9);
}
