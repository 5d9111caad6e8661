#!/usr/bin/env bash
# Installs what statesim needs from Debian's packages (when missing), builds it in ./build and,
# unless --no-run is given, runs the built-in lesson. Run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libsimgrid-dev libyaml-cpp-dev libcli11-dev libfmt-dev doctest-dev
          libboost-dev python3 python3-matplotlib python3-pandas python3-simpy procps)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
if [ "${1:-}" != "--no-run" ]; then
  ./build/statesim
fi
