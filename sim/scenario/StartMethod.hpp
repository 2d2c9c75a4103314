#pragma once

namespace gilsim {

// multiprocessing start methods (Lib/multiprocessing/context.py).
enum class StartMethod { Fork, Spawn, Forkserver };

constexpr const char* start_method_name(StartMethod method) {
  switch (method) {
    case StartMethod::Fork: return "fork";
    case StartMethod::Spawn: return "spawn";
    case StartMethod::Forkserver: return "forkserver";
  }
  return "?";
}

}  // namespace gilsim
