"""Tests of scripts/record.py calibrate and of calibrate_calls' pickle rate
(scripts/recorder/calibrate.py).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import json
import os
import subprocess
import unittest
import unittest.mock

from record_support import REPO, GILSIM, gilsim_available, TempDirTest

import calibrate_calls


class CalibrateTest(TempDirTest):
    def test_calibrate_quick_writes_a_profile_with_every_key(self):
        out = os.path.join(self.dir, "profiles", "host.yaml")
        self.record_ok("calibrate", "--out", out, "--quick")
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("# Machine profile measured by scripts/record.py calibrate"))
        values, section = {}, None
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(":")
            if line.startswith("  "):
                values[f"{section}.{key}"] = value.strip()
            else:
                section = key
                values[key] = value.strip()
        expected = ["profile", "host", "host.cpu_model", "host.logical_cpus", "host.physical_cores",
                    "host.threads_per_core", "host.python_version", "host.python_executable",
                    "host.python_cflags", "host.python_config_sha1", "host.kernel", "machine", "machine.cores",
                    "machine.smt", "machine.smt_yield", "machine.speed", "gil", "gil.timer_slack",
                    "gil.drop_latency", "gil.wakeup_latency", "calibration", "calibration.cpu_unit_ns",
                    "calibration.native_iterations_per_s", "calibration.gil_handover_period_overhead",
                    "calibration.timed_wait_lateness", "calibration.thread_start", "calibration.process_start",
                    "calibration.process_start_call", "calibration.process_join", "calibration.pickle_bytes_per_s",
                    "calibration.unpickle_bytes_per_s", "calibration.pipe_bytes_per_s",
                    "calibration.queue_bytes_per_s", "calibration.pickle_overhead_bytes",
                    "calibration.pipe_buffer_bytes", "calibration.pipe_write_bytes_per_s",
                    "calibration.pipe_read_bytes_per_s", "calibration.pipe_wakeup",
                    "calibration.asyncio_task_step", "calibration.asyncio_lock_op",
                    "calibration.asyncio_queue_op", "calibration.process_pool_submit",
                    "calibration.lock_release_wake", "calibration.lock_release_syscall",
                    "calibration.semaphore_acquire", "calibration.semaphore_release",
                    "calibration.semaphore_wait", "calibration.asyncio_semaphore_op",
                    # scripts/calibrate_calls.py
                    "calibration.pickle_call", "calibration.unpickle_call",
                    "calibration.pickle_cached_bytes_per_s", "calibration.unpickle_cached_bytes_per_s",
                    "calibration.pickle_large_bytes_per_s", "calibration.unpickle_large_bytes_per_s",
                    "calibration.pickle_cache_bytes", "calibration.pipe_write_syscall",
                    "calibration.pipe_read_syscall", "calibration.pipe_send_call", "calibration.pipe_recv_call",
                    "calibration.mp_queue_put", "calibration.mp_queue_get", "calibration.pool_task_handler",
                    "calibration.pool_result_handler", "calibration.pool_worker_task",
                    # scripts/calibrate_sockets.py
                    "calibration.unix_socket_send", "calibration.unix_socket_recv", "calibration.tcp_socket_send",
                    "calibration.tcp_socket_recv", "calibration.socket_wakeup"]
        self.assertEqual(list(values), expected)
        self.assertEqual(values["profile"], "host")
        duration = r"\d+(\.\d+)?(ns|us|ms|s)"
        for key in ("gil.timer_slack", "gil.drop_latency", "gil.wakeup_latency",
                    "calibration.gil_handover_period_overhead", "calibration.timed_wait_lateness",
                    "calibration.thread_start", "calibration.asyncio_task_step", "calibration.asyncio_lock_op",
                    "calibration.asyncio_queue_op", "calibration.process_pool_submit",
                    "calibration.lock_release_wake", "calibration.lock_release_syscall",
                    "calibration.semaphore_acquire", "calibration.semaphore_release",
                    "calibration.semaphore_wait", "calibration.asyncio_semaphore_op",
                    "calibration.pickle_call", "calibration.unpickle_call", "calibration.pipe_write_syscall",
                    "calibration.pipe_read_syscall", "calibration.pipe_send_call", "calibration.pipe_recv_call",
                    "calibration.mp_queue_put", "calibration.mp_queue_get", "calibration.pool_task_handler",
                    "calibration.pool_result_handler", "calibration.pool_worker_task",
                    "calibration.unix_socket_send", "calibration.unix_socket_recv", "calibration.tcp_socket_send",
                    "calibration.tcp_socket_recv"):
            self.assertRegex(values[key], f"^{duration}$")
        for key in ("pickle_cached", "unpickle_cached", "pickle_large", "unpickle_large"):
            self.assertGreater(float(values[f"calibration.{key}_bytes_per_s"]), 1e6)
        self.assertGreaterEqual(int(values["calibration.pickle_cache_bytes"]), 65536)
        self.assertRegex(values["calibration.process_start"],
                         f"^{{fork: {duration}, spawn: {duration}, forkserver_first: {duration}, "
                         f"forkserver: {duration}}}$")
        self.assertRegex(values["calibration.process_join"],
                         f"^{{fork: {duration}, spawn: {duration}, forkserver: {duration}}}$")
        for key in ("pickle", "unpickle", "pipe", "queue", "pipe_write", "pipe_read"):
            self.assertGreater(float(values[f"calibration.{key}_bytes_per_s"]), 1e6)
        self.assertRegex(values["calibration.pipe_wakeup"],
                         f"^{{100us: {duration}, 1ms: {duration}, 10ms: {duration}}}$")
        self.assertRegex(values["calibration.socket_wakeup"],
                         f"^{{30us: {duration}, 100us: {duration}, 1ms: {duration}, 10ms: {duration}}}$")
        self.assertGreaterEqual(int(values["calibration.pipe_buffer_bytes"]), 4096)  # at least a page (pipe(7))
        self.assertGreater(int(values["calibration.pickle_overhead_bytes"]), 0)
        self.assertGreater(float(values["calibration.cpu_unit_ns"]), 0)
        self.assertEqual(values["machine.speed"], "1.0")
        if gilsim_available(self):  # the simulator accepts it as a machine profile
            scenario = self.scenario("uses.yaml", f"name: uses\nmachine: {out}\n"
                                                  "workload: {processes: [{threads: [{program: [{cpu: 1ms}]}]}]}\n")
            done = subprocess.run([GILSIM, "export", scenario], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=REPO)
            self.assertEqual(done.returncode, 0, done.stderr)
            machine = json.loads(done.stdout)["variants"][0]["machine"]
            self.assertEqual(machine["cores"], int(values["machine.cores"]))


class PickleRateTest(unittest.TestCase):
    """calibrate_calls.measure_pickle divides a payload's bytes by its time less an empty pickle's."""

    def fake_times(self, sized):
        """pickle_time stand-in: b'' takes 1 us to dump and load; other payloads `sized(size)`."""
        def pickle_time(obj, calls, samples):
            return (1e-6, 1e-6) if len(obj) == 0 else sized(len(obj))
        return unittest.mock.patch.object(calibrate_calls, "pickle_time", pickle_time)

    def test_rate_is_bytes_over_the_time_beyond_the_empty_call(self):
        # Every payload takes 1 us + size / 2e9 to dump, 1 us + size / 4e9 to load: the rates are
        # 2e9 and 4e9 whatever the size (65536 / (1us + 32.768us - 1us) = 2e9).
        with self.fake_times(lambda size: (1e-6 + size / 2e9, 1e-6 + size / 4e9)):
            p = calibrate_calls.measure_pickle(quick=True)
        self.assertAlmostEqual(p["cached"][0] / 2e9, 1.0, places=9)
        self.assertAlmostEqual(p["cached"][1] / 4e9, 1.0, places=9)

    def test_a_payload_no_slower_than_the_empty_call_is_refused_not_written_as_1e16(self):
        # A preempted empty-call sample (here 1 us) against a 64 KiB pickle measured at 0.9 us:
        # the difference is negative. It used to write 65536 / 1e-12 = 6.6e16 bytes/s.
        with self.fake_times(lambda size: (0.9e-6, 0.9e-6)), self.assertRaises(SystemExit) as refused:
            calibrate_calls.measure_pickle(quick=True)
        self.assertIn("no slower than pickling b''", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
