#include "sim/scenario/PythonVersion.hpp"

namespace gilsim {

std::optional<PythonVersion> PythonVersion::parse(const std::string& text) {
  for (int minor = 11; minor <= 14; ++minor)
    for (bool free_threaded : {false, true}) {
      if (free_threaded && minor < 13) continue;  // free-threaded builds exist from 3.13
      const PythonVersion version{minor, free_threaded};
      if (text == version.name()) return version;
    }
  return std::nullopt;
}

std::optional<PythonVersion> PythonVersion::of_release(const std::string& release) {
  // "3.11.2" -> "3.11"; "3.13.0rc1" -> "3.13". A free-threaded interpreter's profile says so in
  // no field of host: it is taken as the default build.
  const std::size_t first = release.find('.');
  if (first == std::string::npos) return std::nullopt;
  const std::size_t second = release.find_first_not_of("0123456789", first + 1);
  return parse(release.substr(0, second));
}

const char* PythonVersion::known() { return "3.11, 3.12, 3.13, 3.14, 3.13t, 3.14t"; }

}  // namespace gilsim
