#include "sim/validation/ModelScale.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gilsim {
namespace {

using Scaler = std::function<void(Scenario&, double)>;

// "pickling" scales both directions and the per-object costs: a pickle 10x faster is all of it.
const std::vector<std::pair<const char*, Scaler>>& scalers() {
  static const std::vector<std::pair<const char*, Scaler>> table = {
      {"runtime.switch_interval", [](Scenario& s, double f) { s.runtime.gil.switch_interval *= f; }},
      {"runtime.gil.timer_slack", [](Scenario& s, double f) { s.runtime.gil.timer_slack *= f; }},
      {"runtime.gil.drop_latency", [](Scenario& s, double f) { s.runtime.gil.drop_latency *= f; }},
      {"runtime.gil.wakeup_latency", [](Scenario& s, double f) { s.runtime.gil.wakeup_latency *= f; }},
      {"machine.smt_yield", [](Scenario& s, double f) { s.machine.smt_yield *= f; }},
      {"runtime.ipc.pickling_speed",
       [](Scenario& s, double f) {
         // Both regimes: a profile's large-object rates decide every message above the cache size.
         s.runtime.ipc.pickle_bandwidth *= f;
         s.runtime.ipc.unpickle_bandwidth *= f;
         s.runtime.ipc.pickle_large_bandwidth *= f;
         s.runtime.ipc.unpickle_large_bandwidth *= f;
         s.runtime.ipc.pickle_per_object /= f;
         s.runtime.ipc.unpickle_per_object /= f;
       }},
      {"runtime.ipc.queue_op", [](Scenario& s, double f) { s.runtime.ipc.queue_op *= f; }},
      {"runtime.locks.release_wake", [](Scenario& s, double f) { s.runtime.locks.release_wake *= f; }},
      {"runtime.locks.release_syscall", [](Scenario& s, double f) { s.runtime.locks.release_syscall *= f; }},
      // Every per-message cost that does not depend on the size: the pickle and unpickle calls,
      // send_bytes/recv_bytes' Python and system calls, multiprocessing.Queue's put and get.
      {"runtime.ipc.per_call",
       [](Scenario& s, double f) {
         IpcConfig& ipc = s.runtime.ipc;
         for (double* cost : {&ipc.pickle_call, &ipc.unpickle_call, &ipc.send_call, &ipc.recv_call, &ipc.write_syscall,
                              &ipc.read_syscall, &ipc.mp_queue_put, &ipc.mp_queue_get})
           *cost *= f;
       }},
      // A socket's send and recv calls, for both kinds.
      {"runtime.ipc.socket_calls",
       [](Scenario& s, double f) {
         for (SocketCosts* socket : {&s.runtime.ipc.unix_socket, &s.runtime.ipc.tcp_socket}) {
           socket->send *= f;
           socket->recv *= f;
         }
       }},
      // Every cost of starting a process (the parent's and the child's share, the forkserver's own
      // start, the main module's import), for every start method; not the exit.
      {"runtime.process_start",
       [](Scenario& s, double f) {
         ProcessCosts& p = s.runtime.processes;
         for (StartCost* cost : {&p.fork, &p.spawn, &p.forkserver}) {
           cost->parent *= f;
           cost->child *= f;
         }
         p.forkserver_server *= f;
         p.main_module_import *= f;
       }},
      // The share of a native call run without the GIL (1): x0 makes native code keep the GIL.
      {"native.gil_released", [](Scenario& s, double f) { s.runtime.native_gil_released = std::min(1.0, s.runtime.native_gil_released * f); }},
      // multiprocessing.Pool's per-task Python in its handler threads and workers.
      {"runtime.mp_pool.per_task",
       [](Scenario& s, double f) {
         s.runtime.mp_pool.task_handler *= f;
         s.runtime.mp_pool.result_handler *= f;
         s.runtime.mp_pool.worker_task *= f;
       }},
  };
  return table;
}

}  // namespace

bool is_scalable(const std::string& path) {
  for (const auto& [name, scale] : scalers())
    if (path == name) return true;
  return false;
}

std::string scalable_parameters() {
  std::string out;
  for (const auto& [name, scale] : scalers()) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

void apply_scale(Scenario& scenario, const std::string& path, double factor) {
  for (const auto& [name, scale] : scalers())
    if (path == name) return scale(scenario, factor);
  throw std::invalid_argument("not a scalable parameter: " + path);
}

}  // namespace gilsim
