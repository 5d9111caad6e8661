#!/usr/bin/env bash
# Builds statesim (installing missing packages first) and runs every test: unit tests,
# scenario tests (fidelity against queueing theory, invariants, bad input, plots).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-run
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
