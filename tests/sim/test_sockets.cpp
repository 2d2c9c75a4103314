// Socket channels (README "Sockets") against hand-computed timelines: an echo's round trip is its
// four calls and two wake-ups, and beside a CPU-bound thread the GIL decides the rest.
#include <doctest/doctest.h>

#include <sstream>
#include <vector>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

const char* const kFixture = "tests/fixtures/socket_echo.yaml";
// Thread ids in declaration order: alone/io, echo/main, busy/io, busy/cpu, busy_echo/main.
constexpr int kAlone = 0, kBusy = 2;

// "finish(alone) period(busy)": the busy client's period is the time between the starts of its
// 10th and 11th waits for a reply (steady state: the first iterations depend on who started first).
std::vector<double> simulate_echo(const std::vector<Override>& overrides) {
  Scenario scenario = load_variant(kFixture, "", overrides);
  std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
    std::vector<double> waits;
    for (const StateSpan& s : t.spans)
      if (s.thread == kBusy && s.state == ThreadState::Wait) waits.push_back(s.start);
    std::ostringstream out;
    out.precision(17);
    out << t.finish_time[kAlone] << " " << waits.at(10) - waits.at(9);
    return out.str();
  }));
  std::vector<double> figures(2);
  for (double& f : figures) in >> f;
  return figures;
}

}  // namespace

TEST_CASE("a socket echo costs two sends, two recvs and two wake-ups, and beside a CPU thread an interval more") {
  const std::vector<double> unix_socket = simulate_echo({});
  // One round trip: the client's send (3 us) makes the byte readable; the echo process, blocked in
  // recv, runs 20 us later and its recv takes 2 us; its send (3 us), the client's wake-up (20 us)
  // and recv (2 us): 2 x (3 + 20 + 2) = 50 us. Nothing is pickled, and with no other thread the GIL
  // re-takes cost nothing: 100 round trips take 5 ms.
  CHECK_ABS(unix_socket[0], 0.005, 1e-9);
  // Beside a CPU-bound thread: the client's send drops the GIL and the CPU thread, signalled, takes
  // 20 us to wake, so the client (3 us) takes it back, then drops it again in recv, and the CPU
  // thread takes it. The reply is back 50 us after the send; the client then waits the interval
  // and the timer slack (5.2 ms), the holder drops 5 us later and the client wakes 20 us after:
  // 50 us + 5 ms + 200 us + 5 us + 20 us = 5.275 ms per round trip (the tie jitter, 1 ns per
  // offset, aside).
  CHECK_ABS(unix_socket[1], 0.005275, 1e-8);

  // TCP's calls are dearer (7 us and 4 us in the fixture): 2 x (7 + 20 + 4) = 62 us per round
  // trip, 6.2 ms for 100; the busy period grows by the same 12 us.
  const std::vector<double> tcp = simulate_echo({{"workload.channels[0].kind", "tcp_socket", "--set workload.channels[0].kind=tcp_socket"},
                                                 {"workload.channels[1].kind", "tcp_socket", "--set workload.channels[1].kind=tcp_socket"},
                                                 {"workload.channels[2].kind", "tcp_socket", "--set workload.channels[2].kind=tcp_socket"},
                                                 {"workload.channels[3].kind", "tcp_socket", "--set workload.channels[3].kind=tcp_socket"}});
  CHECK_ABS(tcp[0], 0.0062, 1e-9);
  CHECK_ABS(tcp[1], 0.005287, 1e-8);

  // Negative control: sockets whose calls cost nothing leave only the two wake-ups, 40 us per
  // round trip, 5.265 ms beside the CPU thread; the checks above would fail by 1 ms and 10 us.
  // For 100 round trips 4 ms less 20 us: the first request is readable at t = 0, before the echo
  // process has blocked, so it does not wait for a wake-up.
  const std::vector<double> free_calls = simulate_echo({{"runtime.ipc.unix_socket.send", "0s", "--set runtime.ipc.unix_socket.send=0s"},
                                                        {"runtime.ipc.unix_socket.recv", "0s", "--set runtime.ipc.unix_socket.recv=0s"}});
  CHECK_ABS(free_calls[0], 0.00398, 1e-9);
  CHECK_ABS(free_calls[1], 0.005265, 1e-8);
}

TEST_CASE("a socket channel carries bytes: an empty message or pickled objects are refused") {
  CHECK_THROWS_WITH_AS(load_variant(kFixture, "", {{"workload.processes[0].threads[0].program[0].repeat.steps[0].put.bytes", "0B", ""}}),
                       doctest::Contains("needs bytes of at least 1B"), std::exception);
  CHECK_THROWS_WITH_AS(load_variant(kFixture, "", {{"workload.processes[0].threads[0].program[0].repeat.steps[0].put.objects", "3", ""}}),
                       doctest::Contains("carries bytes, not pickled objects"), std::exception);
}

TEST_CASE("seed socket_echo_convoy: an echo alone takes ~66 us a round trip, beside a CPU thread an interval more") {
  // Thread ids in declaration order: alone/client, echo/main, busy/client, busy/cpu, busy_echo/main.
  Scenario scenario = load_variant("scenarios/seed/socket_echo_convoy.yaml", "interval-5ms");
  std::istringstream in(simulate_and(scenario, [](const Timeline& t) {
    std::vector<double> waits;
    for (const StateSpan& s : t.spans)
      if (s.thread == 2 && s.state == ThreadState::Wait) waits.push_back(s.start);
    std::ostringstream out;
    out.precision(17);
    out << t.finish_time[0] << " " << waits.at(10) - waits.at(9);
    return out.str();
  }));
  double alone = 0, busy_period = 0;
  in >> alone >> busy_period;
  // Compiled defaults: send S = 2.647 us, recv R = 2.773 us, socket_wakeup 27.56 us after 30 us
  // blocked and 29.85 us after 100 us, interpolated in log(blocked). Alone, each process is
  // blocked W + R + S before it is woken (the other's wake-up, recv and send), about 33.2 us:
  // W = 27.56 + 2.29 x ln(33.2/30) / ln(100/30) = 27.75 us. A round trip is
  // 2 x (S + R + W) = 2 x 33.17 = 66.34 us; 1000 of them 66.34 ms (the first is 0.2 us shorter:
  // the echo process had blocked only 2.6 us).
  CHECK_ABS(alone, 0.06634, 2e-5);
  // Beside the CPU-bound thread (GIL defaults: timer slack 50 us, drop latency 5 us, wake-up
  // 50 us), the client back from recv waits 5 ms + 50 + 5 + 50 us. The echo process is blocked
  // ~5.14 ms between requests: W_echo = 38.48 + 36.8 x log10(5.14) = 64.64 us (between the 1 ms
  // and 10 ms points); the client ~70.1 us in recv: W_client = 27.56 + 2.29 x ln(70.1/30) /
  // ln(100/30) = 29.17 us. Period: S + W_echo + R + S + W_client + R + 5105 us
  // = 2.647 + 64.64 + 2.773 + 2.647 + 29.17 + 2.773 + 5105 = 5209.65 us.
  CHECK_ABS(busy_period, 0.00520965, 1e-6);
}

TEST_CASE("a socket read that nobody writes is a deadlock naming the blocked threads") {
  const std::string error = simulation_error("tests/fixtures/socket_deadlock.yaml");
  CHECK(error.find("deadlock: 2 thread(s) can never finish") != std::string::npos);
  CHECK(error.find("client/io: waiting for channel 'reply'") != std::string::npos);
  CHECK(error.find("echo/main: waiting for channel 'reply'") != std::string::npos);
}

TEST_CASE("a coroutine consumes a socket channel until its writer is done") {
  // Thread ids: writer/main 0, reader/loop 1. Three messages, each followed by 10 us of Python
  // in the coroutine: three python spans of the loop thread of at least 10 us (before the fix
  // this consumed a shared channel as a per-process queue and the simulation threw).
  Scenario scenario = load_variant("tests/fixtures/socket_consume_in_coroutine.yaml", "");
  const std::string python = simulate_and(scenario, [](const Timeline& t) {
    double seconds = 0;
    for (const StateSpan& s : t.spans)
      if (s.thread == 1 && s.state == ThreadState::Python) seconds += s.end - s.start;
    std::ostringstream out;
    out.precision(17);
    out << seconds;
    return out.str();
  });
  // 3 x 10 us of the body, plus the loop's own task steps (runtime.asyncio.task_step_overhead,
  // a few us each): at least 30 us, under 100 us.
  CHECK(std::stod(python) >= 30e-6);
  CHECK(std::stod(python) < 100e-6);
}
