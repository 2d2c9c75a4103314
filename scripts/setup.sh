# Sourced by scripts/gilsim, scripts/test and scripts/bench: installs the Debian packages gilsim
# needs (only those missing) and configures and builds it (incrementally: a fresh build is
# only redone for what changed).
set -euo pipefail

GILSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GILSIM_BUILD="${GILSIM_BUILD:-$GILSIM_ROOT/build}"
GILSIM_PACKAGES=(libsimgrid-dev libyaml-cpp-dev libboost-program-options-dev doctest-dev cmake g++ pkg-config make parallel)

gilsim_install_packages() {
  local missing=()
  for pkg in "${GILSIM_PACKAGES[@]}"; do
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

gilsim_install_packages
gilsim_build
