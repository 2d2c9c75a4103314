// Per-call IPC costs and multiprocessing.Pool's per-task costs (README "Per-call costs" and
// "multiprocessing.Pool per task") on the seed scenarios, against figures computed by hand from
// the defaults, each with a negative control: the same scenario with those costs set to zero.
#include <doctest/doctest.h>

#include "tests/sim/SimTestSupport.hpp"
#include "tests/support/Tolerance.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

// The defaults (sim/scenario/IpcConfig.hpp, MpPoolConfig.hpp), in microseconds.
constexpr double kPickleCall = 3.41, kUnpickleCall = 0.185, kSendCall = 1.227, kRecvCall = 1.444;
constexpr double kWriteSyscall = 0.3339, kReadSyscall = 0.3406, kMpQueuePut = 1.081;
constexpr double kTaskHandler = 2.418, kResultHandler = 0.4686;

// Every per-call and per-task cost at zero: the model before issue 12.
std::vector<Override> without_per_call_costs() {
  return {parse_override("runtime.ipc={pickle_call: 0s, unpickle_call: 0s, send_call: 0s, recv_call: 0s, "
                         "write_syscall: 0s, read_syscall: 0s, mp_queue_put: 0s, mp_queue_get: 0s}"),
          parse_override("runtime.mp_pool={task_handler: 0s, result_handler: 0s, worker_task: 0s}")};
}

}  // namespace

TEST_CASE("small messages: a pipe's writer pays its calls, not its bytes - the slower end sets the pace") {
  const char* file = "scenarios/seed/small_messages.yaml";
  // The producer, per 1 KiB message: the pickle call and 1024 B at 4e9 B/s, send_bytes' Python,
  // one os.write (header and pickle together: 1050 B, under 16 KiB) and its copy at 1.15e10 B/s:
  // 3.41 + 0.256 + 1.227 + 0.3339 + 0.0913 = 5.3182 us. The consumer, per message: two os.reads,
  // the copy out (1050 B at 7.4e9), recv_bytes' Python, the unpickle call and 1024 B at 4e9:
  // 0.6812 + 0.1419 + 1.444 + 0.185 + 0.256 = 2.708 us, faster: the producer sets the pace, and
  // the consumer ends at most a wake-up (12 us) and one message (2.71 us) after the last write.
  const double producer = kPickleCall + 1024 / 4e3 + kSendCall + kWriteSyscall + 1050 / 1.15e4;  // us
  const Summary pipe_summary = simulate_summary(load_variant(file, "pipe"));
  const double pipe = pipe_summary.makespan;
  // The consumer's Python: recv_bytes' 1.444 us, the unpickle call 0.185 us and 1024 B at 4e9:
  // 5000 x 1.885 us = 9.425 ms. Its io: the body's os.read (0.3406 us) and the copy out of its
  // 1046 bytes (the 1024-byte payload's pickle; 0.1414 us): 5000 x 0.4820 us = 2.4098 ms (the
  // header's os.read comes before the wait, counted there, its 4-byte copy under 1 ns).
  const ThreadSummary& consumer = pipe_summary.threads[1];
  REQUIRE(consumer.process == "consumer");
  CHECK(consumer.seconds[static_cast<int>(ThreadState::Python)] ==
        doctest::Approx(5000 * (kRecvCall + kUnpickleCall + 1024 / 4e3) * 1e-6).epsilon(1e-6));
  CHECK(consumer.seconds[static_cast<int>(ThreadState::Io)] ==
        doctest::Approx(5000 * (kReadSyscall + 1046 / 7.4e3) * 1e-6).epsilon(1e-6));
  CHECK(pipe >= 5000 * producer * 1e-6 - 1e-9);
  CHECK(pipe <= (5000 * producer + 12 + 2.71) * 1e-6);
  CHECK_ABS(pipe, 0.0265949, 1e-7);  // the simulated figure, within that range
  // Negative control: without the per-call costs the producer pays 0.347 us of bytes per message
  // and the consumer's wake-ups dominate: far under the producer-bound figure above.
  const double control = simulate_summary(load_variant(file, "pipe", without_per_call_costs())).makespan;
  CHECK(control < 5000 * producer * 1e-6 / 5);

  // Through a multiprocessing.Queue, the producer's main thread (5000 puts of 1.081 us) and the
  // queue's feeder thread (per message the pickle, send_bytes' Python: 4.893 us, then the
  // os.write and copy: 0.425 us without the GIL) share the producer's GIL: at least
  // 5000 x (1.081 + 4.893) us = 29.87 ms; at most that plus every os.write and copy run alone
  // (2.126 ms) and the GIL hand-overs between the two threads (the consumer, 3.91 us per message
  // with Queue.get's 1.204 us, keeps up).
  const double gil_held = 5000 * (kMpQueuePut + kPickleCall + 1024 / 4e3 + kSendCall) * 1e-6;
  const Summary queue = simulate_summary(load_variant(file, "mp-queue"));
  CHECK(queue.makespan > gil_held);
  CHECK(queue.makespan < gil_held + 5000 * (kWriteSyscall + 1050 / 1.15e4) * 1e-6 + 0.0003);
  CHECK(queue.makespan > pipe);
  const double queue_control = simulate_summary(load_variant(file, "mp-queue", without_per_call_costs())).makespan;
  CHECK(queue_control < gil_held / 5);
}

TEST_CASE("Pool.map of tiny tasks: at chunksize 1 the parent's handler threads pay per task under one GIL") {
  const char* file = "scenarios/seed/pool_chunksize.yaml";
  // Chunksize 1, per task, with the parent's GIL held: the task handler's loop (2.418 us), the
  // pickle call (3.41 us; the 22-byte pickle's bytes take 5.5 ns) and send_bytes' Python
  // (1.227 us); the result handler's recv_bytes (1.444 us), unpickle call (0.185 us) and
  // cache[job]._set() (0.4686 us): 9.153 us. After the two forks (2 x 3 ms of the main thread's
  // Python), 10000 tasks: at least 6 ms + 91.53 ms = 97.53 ms. The rest (28.6 ms) is the GIL
  // going back and forth between the two handlers: the result handler waits for it while the task
  // handler runs (gil-wait), and each hand-over costs a wake-up.
  const double parent_per_task = kTaskHandler + kPickleCall + kSendCall + kRecvCall + kUnpickleCall + kResultHandler;
  const double bound = 0.006 + 10000 * parent_per_task * 1e-6;
  const Summary one = simulate_summary(load_variant(file, "processes-2-fork"));
  CHECK(one.makespan > bound);
  CHECK_ABS(one.makespan, 0.126177, 1e-6);
  CHECK(one.makespan > 5 * 0.020);  // more than 5x the loop's 20 ms
  // Negative control: without the per-task and per-call costs, the parent's Python per task is
  // 11 ns of pickle bytes: the workers' own 2 x 5000 x 2 us set the pace, well under the bound.
  const double control = simulate_summary(load_variant(file, "processes-2-fork", without_per_call_costs())).makespan;
  CHECK(control < bound / 3);
  CHECK(control > 0.006 + 5000 * 2e-6);

  // Pool.map's default chunksize, ceil(10000 / (4 x 2)) = 1250: 8 tasks. The task handler gets the
  // GIL once the forks are done (6 ms, then its wake-up: 6.05 ms), both workers then run 4 chunks
  // of 1250 x 2 us = 2.5 ms each (10 ms), paying per chunk a few tens of us of calls, then exit
  // (1 ms): 17.05 ms and under 0.5 ms of per-chunk costs and wake-ups.
  const Summary chunked = simulate_summary(load_variant(file, "processes-2-fork-chunk1250"));
  CHECK(chunked.makespan > 0.01705);
  CHECK(chunked.makespan < 0.01755);
  CHECK(one.makespan > 7 * chunked.makespan);
  // The chunked pool barely changes without the per-call costs: they are paid 8 times.
  const double chunked_control =
      simulate_summary(load_variant(file, "processes-2-fork-chunk1250", without_per_call_costs())).makespan;
  CHECK(chunked.makespan - chunked_control < 0.0005);
  CHECK(chunked.makespan - chunked_control > 0);
}

TEST_CASE("pickling has two regimes per byte: a payload's bytes beyond pickle_cache_size at the large rate") {
  const char* file = "tests/fixtures/pickle_two_regimes.yaml";
  auto python_of = [](const Summary& s, const char* process) {
    for (const ThreadSummary& t : s.threads)
      if (t.process == process) return t.seconds[static_cast<int>(ThreadState::Python)];
    FAIL("no process " << process);
    return 0.0;
  };
  // The writer pickles 1 MiB at 1e9 B/s and 2 MiB at 2.5e8 B/s: 1.048576 + 8.388608 = 9.437184 ms.
  // The reader unpickles 1 MiB at 2e9 B/s and 2 MiB at 5e8 B/s: 0.524288 + 4.194304 = 4.718592 ms.
  const Summary two = simulate_summary(load_variant(file, ""));
  CHECK(python_of(two, "writer") == doctest::Approx(9.437184e-3).epsilon(1e-9));
  CHECK(python_of(two, "reader") == doctest::Approx(4.718592e-3).epsilon(1e-9));
  // Negative control: the cache size at 4 MiB makes the whole payload cached: 3 MiB at 1e9 B/s =
  // 3.145728 ms and at 2e9 B/s = 1.572864 ms.
  const Summary one = simulate_summary(load_variant(file, "", {parse_override("runtime.ipc.pickle_cache_size=4MiB")}));
  CHECK(python_of(one, "writer") == doctest::Approx(3.145728e-3).epsilon(1e-9));
  CHECK(python_of(one, "reader") == doctest::Approx(1.572864e-3).epsilon(1e-9));
}
