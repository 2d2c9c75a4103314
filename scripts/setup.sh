# Sourced by scripts/gilsim, scripts/test and scripts/bench: installs the Debian packages gilsim
# needs (only those missing) and configures and builds it (incrementally: a fresh build is
# only redone for what changed).
set -euo pipefail

GILSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GILSIM_BUILD="${GILSIM_BUILD:-$GILSIM_ROOT/build}"
GILSIM_PACKAGES=(libsimgrid-dev libyaml-cpp-dev libboost-program-options-dev zlib1g-dev doctest-dev cmake g++ pkg-config make parallel)
# What scripts/sanitize and scripts/fuzz need besides: clang and its sanitizer and libFuzzer
# runtimes (libclang-rt-14-dev, which clang's dependencies pull in on bookworm; named for clarity).
GILSIM_TEST_PACKAGES=(clang libclang-rt-14-dev)

# Installs the Debian packages given (default: GILSIM_PACKAGES) that are missing.
gilsim_install_packages() {
  local missing=()
  local wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${GILSIM_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "gilsim: installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

gilsim_build() {
  local log="$GILSIM_BUILD/build.log"
  mkdir -p "$GILSIM_BUILD"
  if [ ! -f "$GILSIM_BUILD/CMakeCache.txt" ]; then
    echo "gilsim: configuring in $GILSIM_BUILD" >&2
    cmake -S "$GILSIM_ROOT" -B "$GILSIM_BUILD" -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1 || { cat "$log" >&2; return 1; }
  fi
  if ! cmake --build "$GILSIM_BUILD" -j"$(nproc)" >"$log" 2>&1; then
    cat "$log" >&2
    echo "gilsim: build failed (log: $log)" >&2
    return 1
  fi
}

# The sanitizer build (README "Tests"): clang with AddressSanitizer, UndefinedBehaviorSanitizer and
# libFuzzer coverage, in build-asan/ (GILSIM_ASAN_BUILD), incrementally.
GILSIM_ASAN_BUILD="${GILSIM_ASAN_BUILD:-$GILSIM_ROOT/build-asan}"
gilsim_build_sanitized() {
  gilsim_install_packages "${GILSIM_TEST_PACKAGES[@]}"
  local log="$GILSIM_ASAN_BUILD/build.log"
  mkdir -p "$GILSIM_ASAN_BUILD"
  if [ ! -f "$GILSIM_ASAN_BUILD/CMakeCache.txt" ]; then
    echo "gilsim: configuring the sanitizer build in $GILSIM_ASAN_BUILD" >&2
    # -O1 with line tables: compiles in about half the time of -O2 -g, and reports keep file:line.
    CC=clang CXX=clang++ cmake -S "$GILSIM_ROOT" -B "$GILSIM_ASAN_BUILD" -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DGILSIM_SANITIZE=ON >"$log" 2>&1 || { cat "$log" >&2; return 1; }
  fi
  if ! cmake --build "$GILSIM_ASAN_BUILD" -j"$(nproc)" >"$log" 2>&1; then
    cat "$log" >&2
    echo "gilsim: sanitizer build failed (log: $log)" >&2
    return 1
  fi
}

gilsim_install_packages
gilsim_build
