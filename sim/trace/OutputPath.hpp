#pragma once
#include <sys/stat.h>

#include <string>

namespace gilsim {

// "out/trace.json" for variant "threads" of a multi-variant run becomes
// "out/trace.threads.json"; a single-variant run keeps the path as given, and so does a path
// that is not a regular file (/dev/null, a pipe): it receives every variant's output in turn.
inline std::string variant_output_path(const std::string& path, const std::string& variant, bool many) {
  if (!many || variant.empty()) return path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return path;
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + "." + variant;
  return path.substr(0, dot) + "." + variant + path.substr(dot);
}

}  // namespace gilsim
