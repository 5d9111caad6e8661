#!/usr/bin/env bash
# Builds statesim with AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/ and runs
# the test suite there; any sanitizer report fails the test that triggered it.
#
# Usage: scripts/sanitize.sh [extra ctest arguments]
#
# Leak detection is off: SimGrid and the simulation children leave their objects to the process
# exit on purpose. Every test runs by default, two at a time (JOBS), about 10 minutes on 2 cores,
# most of it test_lifecycle and test_shipped_scenarios. To leave slow tests out, set
# SANITIZE_EXCLUDE to a ctest -E pattern, e.g. SANITIZE_EXCLUDE='^test_(fidelity|shipped_scenarios)$'.
# The simulation runs in forked children: a sanitizer report there aborts the child, the parent
# reports "died (signal 6)" and the test fails; the report itself is on the child's stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-asan
cmake -S . -B "$build_dir" -DSTATESIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}"

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exclude=${SANITIZE_EXCLUDE:-}
exclude_args=()
[ -n "$exclude" ] && exclude_args=(-E "$exclude")
ctest --test-dir "$build_dir" --output-on-failure -j"${JOBS:-2}" "${exclude_args[@]}" "$@"
