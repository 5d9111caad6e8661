#!/usr/bin/env bash
# Builds statesim with AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/ and runs
# the test suite there; any sanitizer report fails the test that triggered it.
#
# Usage: scripts/sanitize.sh [extra ctest arguments]
#
# Leak detection is off: SimGrid and the simulation children leave their objects to the process
# exit on purpose. The fidelity suite is excluded by default: it is a long statistical run (many
# simulated hours per case) that ASan slows several times over, and it exercises the same code
# as the faster scenario tests. Set SANITIZE_EXCLUDE to another ctest -E pattern (or to an empty
# string to run everything).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-asan
cmake -S . -B "$build_dir" -DSTATESIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}"

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exclude=${SANITIZE_EXCLUDE-^test_fidelity$}
exclude_args=()
[ -n "$exclude" ] && exclude_args=(-E "$exclude")
ctest --test-dir "$build_dir" --output-on-failure "${exclude_args[@]}" "$@"
