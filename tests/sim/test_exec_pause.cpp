// ExecPause works around SimGrid 3.32's Activity::resume(), which leaves the suspended flag set so
// that a second suspend() is ignored. The fast GIL engine pauses a holder's job at every
// hand-over, so a job must stop progressing at each pause, not only the first.
#include <doctest/doctest.h>

#include <string>

#include <simgrid/s4u.hpp>

#include "models/machine/ExecPause.hpp"
#include "sim/engine/IsolatedRun.hpp"

namespace sg4 = simgrid::s4u;
using namespace gilsim;

TEST_CASE("an exec paused three times makes no progress during any pause") {
  // 1 s of work on a 1 Gflop/s host, paused for 0.1 s, 0.2 s and 0.3 s after each 0.1 s of
  // running: it completes at 1 s + 0.6 s, with 0.9, 0.8 and 0.7 Gflop left at the pauses.
  IsolatedResult r = run_isolated([] {
    int argc = 2;
    char name[] = "test";
    char quiet[] = "--log=root.thres:critical";
    char* argv[] = {name, quiet, nullptr};
    sg4::Engine engine(&argc, argv);
    auto* zone = sg4::create_full_zone("zone");
    auto* host = zone->create_host("core", 1e9);
    host->seal();
    zone->seal();
    std::string report;
    sg4::Actor::create("worker", host, [&report] {
      sg4::ExecPtr exec = sg4::this_actor::exec_init(1e9);
      exec->start();
      for (int pause = 1; pause <= 3; ++pause) {
        sg4::this_actor::sleep_for(0.1);
        pause_exec(*exec);
        const double at_pause = exec->get_remaining();
        sg4::this_actor::sleep_for(0.1 * pause);
        report += std::to_string(at_pause / 1e9) + " " + std::to_string(exec->get_remaining() / 1e9) + "\n";
        resume_exec(*exec);
      }
      exec->wait();
      report += std::to_string(sg4::Engine::get_clock()) + "\n";
    });
    engine.run();
    return report;
  });
  REQUIRE_MESSAGE(r.ok, r.output);
  CHECK(r.output == "0.900000 0.900000\n0.800000 0.800000\n0.700000 0.700000\n1.600000\n");
}
