// The seed scenarios against hand-computed expectations (derivations in each scenario's
// description and in README "Models"): processes, their start methods and IPC, and the
// strategy comparisons. The other seeds: test_seed_gil.cpp and test_seed_locks_asyncio.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

TEST_CASE("start methods: processes started one after another pay the parent's and the child's start-up costs") {
  const char* file = "scenarios/seed/start_methods.yaml";
  CHECK(simulate_summary(load_variant(file, "running")).makespan == doctest::Approx(1.0).epsilon(1e-6));
  // Last child: started after 8 parent costs, boots, computes 1 s, finalises 1 ms.
  CHECK(simulate_summary(load_variant(file, "fork")).makespan == doctest::Approx(0.024 + 1.0 + 0.001).epsilon(1e-6));
  // spawn: a child's end until join() returns is 10 ms (a whole interpreter finalises).
  CHECK(simulate_summary(load_variant(file, "spawn")).makespan == doctest::Approx(0.040 + 0.135 + 1.0 + 0.010).epsilon(1e-6));
  CHECK(simulate_summary(load_variant(file, "forkserver")).makespan ==
        doctest::Approx(0.025 + 0.016 + 0.038 + 1.0 + 0.001).epsilon(1e-6));
}

TEST_CASE("start costs are parameters, and the parent thread shows in the summary") {
  Summary s = simulate_summary(load_variant("scenarios/seed/start_methods.yaml", "spawn",
                                            {parse_override("runtime.process_start={spawn: {parent: 10ms, child: 200ms}}"),
                                             parse_override("runtime.process_exit=0s")}));
  CHECK(s.makespan == doctest::Approx(0.080 + 0.200 + 1.0).epsilon(1e-6));
  REQUIRE(s.threads.size() == 9);
  CHECK(s.threads[0].process == "main");
  CHECK(s.threads[0].name == "MainThread");
  CHECK(s.threads[0].seconds[static_cast<int>(ThreadState::Python)] == doctest::Approx(0.080).epsilon(1e-6));
}

TEST_CASE("runtime.main_module.import: a spawn child runs the main module again, a 3.11 forkserver child too, a fork child never") {
  const char* file = "scenarios/seed/start_methods.yaml";
  auto makespan = [&](const char* variant, bool with_import) {
    std::vector<Override> set;
    if (with_import) set.push_back(parse_override("runtime.main_module={import: 20ms}"));
    return simulate_summary(load_variant(file, variant, set)).makespan;
  };
  // spawn: 8 starts of 5 ms in the parent (40 ms); the last child boots 135 ms plus the 20 ms
  // import, computes 1 s and exits in 10 ms.
  CHECK(makespan("spawn", true) == doctest::Approx(0.040 + 0.135 + 0.020 + 1.0 + 0.010).epsilon(1e-6));
  // forkserver under 3.11 (no profile): the server's 25 ms start, 8 starts of 2 ms, the last
  // child 38 ms plus its own 20 ms import (the server's __main__ preload is dead code up to 3.12),
  // 1 s, 1 ms. On 8 cores a 3.14 server that imports once gives the same makespan (25 + 20 + 16 +
  // 38 + 1000 + 1 ms); tests/sim/test_start_versions.cpp shows the difference on one core.
  CHECK(makespan("forkserver", true) == doctest::Approx(0.025 + 0.016 + 0.038 + 0.020 + 1.0 + 0.001).epsilon(1e-6));
  // fork: the child has the parent's __main__; nothing changes.
  CHECK(makespan("fork", true) == doctest::Approx(0.024 + 1.0 + 0.001).epsilon(1e-6));
  // Negative control: without the key spawn and forkserver are 20 ms faster (the figures of the
  // start-methods test above).
  CHECK(makespan("spawn", true) - makespan("spawn", false) == doctest::Approx(0.020).epsilon(1e-6));
  CHECK(makespan("forkserver", true) - makespan("forkserver", false) == doctest::Approx(0.020).epsilon(1e-6));
}

TEST_CASE("queue vs pipe: a pipe costs the writer pickling and waiting for the reader - a multiprocessing.Queue's feeder fights for the GIL") {
  const char* file = "scenarios/seed/queue_vs_pipe.yaml";
  Summary pipe = simulate_summary(load_variant(file, "pipe"));
  Summary mp_queue = simulate_summary(load_variant(file, "mp-queue"));
  Summary threads = simulate_summary(load_variant(file, "threads-queue"));
  // The default IPC costs (README "Processes and IPC", "Per-call costs"): pickling and
  // unpickling at 4 GB/s (cached regime) after a call of 3.41 us and 0.185 us, 22 bytes of pickle
  // framing, a 4-byte length header, send_bytes' Python 1.227 us, recv_bytes' 1.444 us, an
  // os.write 0.3339 us and an os.read 0.3406 us, a 64 KiB pipe, copies in at 1.15e10 B/s and out
  // at 7.4e9 B/s, a wake-up of 12 us after a block of up to 100 us.
  const double C = 65536, W = 1.15e10, R = 7.4e9, wake = 12e-6;
  const double pickle = 3.41e-6 + 65536 / 4e9, unpickle = 0.185e-6 + 65558 / 4e9;
  const double send_call = 1.227e-6, recv_call = 1.444e-6, write_sys = 0.3339e-6, read_sys = 0.3406e-6;
  // On the pipe: 4 header bytes, then 65558 bytes of pickle: 26 bytes more than the pipe holds.
  // The writer pickles, runs send_bytes' Python, writes the header (an os.write; the copy, under
  // SimGrid's 1 ns accuracy, takes no time), then C - 4 bytes in a second os.write (6 us, done
  // before the reader runs), and sleeps; the reader, woken by the header, reads it, then the
  // C - 4 bytes (an os.read and the copy) and wakes the writer, which writes the last 26 bytes:
  // put = pickle + send_call + write_sys + reader's wake-up + read_sys + (C - 4) / R
  //       + writer's wake-up + 26 / W = 54.55 us.
  // The reader (woken by those 26 bytes, recv_bytes' Python, unpickling and 50 us of Python,
  // then the next header's os.read: 80.4 us) waits for the next header, which comes 100 us +
  // pickle + send_call + write_sys = 121.35 us after the put: the producer sets the pace, and
  // every block is under 100 us, except the reader's first (from its first os.read at 0.34 us to
  // the first header at 121.35 us: 121.01 us, a wake-up of 14.73 us by interpolation to 45 us
  // after 1 ms).
  const double put = pickle + send_call + write_sys + wake + read_sys + (C - 4) / R + wake + 26 / W;
  const double first_header = 100e-6 + pickle + send_call + write_sys;
  const double first_wakeup = 12e-6 + (45e-6 - 12e-6) * std::log((first_header - read_sys) / 100e-6) / std::log(10.0);
  const double last_message = wake + 26 / R + recv_call + unpickle + 50e-6;
  CHECK(pipe.makespan == doctest::Approx(2000 * (100e-6 + put) + (first_wakeup - wake) + last_message).epsilon(1e-6));
  CHECK_ABS(pipe.makespan, 0.309190, 1e-6);  // the same figure to its 6 decimals
  CHECK(mp_queue.makespan > pipe.makespan);
  const ThreadSummary& feeder = mp_queue.threads[1];
  CHECK(feeder.name == "QueueFeederThread data");
  CHECK(feeder.seconds[static_cast<int>(ThreadState::GilWait)] > 0.1);  // waits for the producer's GIL
  // queue.Queue moves no bytes, but both threads share one GIL: 2000 x (100 + 50) us of Python
  // plus queue operations and hand-overs. The processes run their Python in parallel instead.
  CHECK(threads.makespan > 0.3);
  CHECK(threads.makespan > pipe.makespan);
}

TEST_CASE("a get on a channel nobody writes is reported as a deadlock naming the thread") {
  CHECK(simulation_error("tests/fixtures/get_without_writer.yaml") == "deadlock: 1 thread(s) can never finish:\n  app/reader: waiting for channel 'results', whose "
                    "writers have all finished (nothing left to get)");
}

TEST_CASE("strategy comparison, CPU-bound batch: threads stay at the sequential time, processes and free-threading scale") {
  const char* file = "scenarios/seed/cpu_batch.yaml";
  CHECK_ABS(simulate_summary(load_variant(file, "sequential")).makespan, 2.0, kSummarySeconds);
  for (const char* threads : {"threads-2", "threads-4", "threads-8"}) {
    CAPTURE(threads);
    const double makespan = simulate_summary(load_variant(file, threads)).makespan;
    CHECK(makespan > 2.0);
    CHECK(makespan < 2.0 * 1.015);  // one GIL: only hand-over latencies added
  }
  // 8 workers forked one after another (3 ms each), 250 ms of work each, 1 ms to exit: 275 ms.
  // The tasks then reach the idle workers one at a time through the shared task pipe: the
  // task-handler's GIL wake-up (50 us), then each worker's pipe wake-up, up to 120 us by how
  // long it slept (runtime.ipc.pipe_wakeup): under 1 ms more (0.89 ms). (These checks accepted
  // +-0.2% x (1 + makespan): +-2.6 ms here, +-4 ms for 2 workers.)
  CHECK_ABS(simulate_summary(load_variant(file, "processes-8-fork")).makespan, 0.2755, 0.0005);
  // spawn: 5 ms per start in the parent, then 135 ms of start-up in each child, 10 ms to exit;
  // the last worker's task waits for it: 435 ms, plus its per-call costs (README "Per-call
  // costs"): the task's two os.reads, recv_bytes and the unpickle call (2.31 us), then the
  // worker's loop, the result's pickle call, send_bytes and os.write (6.94 us), and the os.read
  // that finds the tasks pipe closed (0.34 us): 9.59 us, under 12 us with the copies.
  const double spawned = simulate_summary(load_variant(file, "processes-8-spawn")).makespan;
  CHECK(spawned > 0.435 + 9.59e-6);
  CHECK(spawned < 0.435 + 12e-6);
  // 2 forks, 4 tasks of 250 ms each, 1 ms to exit: 1.007 s, and under 0.3 ms for the first
  // tasks to reach the workers (50 us + 2 pipe wake-ups of up to 120 us).
  CHECK_ABS(simulate_summary(load_variant(file, "processes-2-fork")).makespan, 1.00715, 0.00015);
  // Free-threaded: the main thread puts the 8 tasks in a queue.Queue, 5 us each
  // (runtime.ipc.queue_op); a worker's get takes 5 us, its 250 ms of Python 270 ms (x 1.08).
  // 8 workers: the last gets the last task at 40 us: 40 + 5 us + 270 ms. 1 worker: the first
  // task at 5 us, then 8 x (5 us + 270 ms). (These checks accepted +-1.3 ms and +-3.2 ms.)
  CHECK_ABS(simulate_summary(load_variant(file, "free-threaded-8")).makespan, 0.27 + 45e-6, kSummarySeconds);
  CHECK_ABS(simulate_summary(load_variant(file, "free-threaded-1")).makespan, 5e-6 + 8 * (5e-6 + 0.27), kSummarySeconds);
}

TEST_CASE("strategy comparison, tiny function over big data: the process pool is slower than a loop") {
  const char* file = "scenarios/seed/tiny_function_big_data.yaml";
  Summary sequential = simulate_summary(load_variant(file, "sequential"));
  Summary pool = simulate_summary(load_variant(file, "processes-4-fork"));
  CHECK(sequential.makespan == doctest::Approx(0.020).epsilon(1e-6));
  // Each task's arguments on the pipe: a 4-byte header and 102400 + 22 bytes of pickle, more than
  // the 64 KiB pipe holds, so the task-handler sleeps at least once per task until a worker has
  // drained the pipe, and then wakes (at least 12 us). Its floor: 1000 x (pickling 102400 B at
  // 4 GB/s + copying 102426 B in at 1.15e10 B/s + 12 us) = 1000 x 46.5 us.
  const double task_handler = 1000 * (102400 / 4e9 + 102426 / 1.15e10 + 12e-6);
  CHECK(pool.makespan > task_handler);
  CHECK(pool.makespan > 5 * sequential.makespan);
  CHECK(pool.pickling > 0.1);
  // Arguments and results both cross a pipe: every byte copied in and out.
  CHECK(pool.transfer > 2 * 1000 * (102426 / 1.15e10 + 102426 / 7.4e9));
}

TEST_CASE("strategy comparison, HTTP requests: threads and processes overlap the network waits") {
  const char* file = "scenarios/seed/http_requests.yaml";
  CHECK(simulate_summary(load_variant(file, "sequential")).makespan == doctest::Approx(5.3).epsilon(1e-6));
  const double threads = simulate_summary(load_variant(file, "threads-10")).makespan;
  CHECK(threads > 0.53);
  CHECK(threads < 0.60);
  Summary processes = simulate_summary(load_variant(file, "processes-10-fork"));
  CHECK(processes.makespan > 0.53);
  CHECK(processes.makespan < 0.60);
  CHECK(processes.startup == doctest::Approx(0.030).epsilon(1e-6));  // 10 forks of 3 ms
}
