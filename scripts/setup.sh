#!/usr/bin/env bash
# Installs what statesim needs from Debian's packages (when missing), builds it in ./build and,
# unless --no-run is given, runs the built-in lesson. Run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-packages.sh cmake g++ make pkg-config libsimgrid-dev libyaml-cpp-dev libcli11-dev libfmt-dev doctest-dev libboost-dev libjemalloc-dev python3 python3-matplotlib python3-pandas python3-yaml python3-simpy procps slurm-wlm munge parallel

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
if [ "${1:-}" != "--no-run" ]; then
  ./build/statesim
fi
