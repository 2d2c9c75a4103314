#pragma once
#include <optional>
#include <string>

#include "sim/scenario/StartMethod.hpp"

namespace gilsim {

// How threading.Lock is implemented (README "threading.Lock").
enum class LockKind {
  // 3.11, 3.12: a POSIX semaphore (Python/thread_pthread.h, USE_SEMAPHORES): every release while
  // a thread waits wakes one sleeping waiter, who must win the semaphore again.
  Semaphore,
  // 3.13+: a PyMutex (Python/lock.c) whose waiters park in Python/parking_lot.c: a release
  // unparks one waiter, and hands the lock over to it if it has waited more than 1 ms.
  PyMutex,
};

// runtime.python: the CPython version whose behaviour the simulation follows. Each
// version-dependent behaviour is a function here, with its source (README "Python versions").
struct PythonVersion {
  int minor = 11;              // 3.minor
  bool free_threaded = false;  // the 't' builds (PEP 703), from 3.13

  std::string name() const { return "3." + std::to_string(minor) + (free_threaded ? "t" : ""); }
  bool operator==(const PythonVersion& other) const {
    return minor == other.minor && free_threaded == other.free_threaded;
  }

  // threading.Lock: Modules/_threadmodule.c uses PyThread_allocate_lock() up to 3.12 and a
  // PyMutex from 3.13.
  LockKind lock() const { return minor >= 13 ? LockKind::PyMutex : LockKind::Semaphore; }
  // multiprocessing's default start method on Linux (Lib/multiprocessing/context.py): fork up to
  // 3.13, forkserver from 3.14.
  StartMethod default_start_method() const { return minor >= 14 ? StartMethod::Forkserver : StartMethod::Fork; }
  // Whether the forkserver preloads __main__ once for its children. Up to 3.12 it never does:
  // forkserver.main()'s main_path is dead code since 3.4 (spawn.get_preparation_data() names it
  // init_main_from_path), so each child runs the main module again in spawn.prepare() (cpython
  // gh-126631, gh-137996). Fixed by GH-135295 in 3.14 and backported to 3.13 (3.13.8).
  bool forkserver_preloads_main() const { return minor >= 13; }
  // Bytecode slowdown of the free-threaded build: the free-threading HOWTO gives about 40% on
  // pyperformance for 3.13 (no specializing interpreter), 1-8% for 3.14.
  double free_threaded_slowdown() const { return minor == 13 ? 1.4 : 1.08; }

  // "3.11", "3.13t", ...: nullopt for a version gilsim does not model.
  static std::optional<PythonVersion> parse(const std::string& text);
  // The version a machine profile was calibrated with ("3.11.2", host.python_version), if known.
  static std::optional<PythonVersion> of_release(const std::string& release);
  // For error messages: "3.11, 3.12, 3.13, 3.14, 3.13t, 3.14t".
  static const char* known();
};

}  // namespace gilsim
