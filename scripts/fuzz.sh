#!/usr/bin/env bash
# Fuzzes the scenario loader with libFuzzer, ASan and UBSan for SECONDS (default 60).
#
# Usage: scripts/fuzz.sh [SECONDS]
#
# Builds tests/fuzz/fuzz_loader in build-fuzz/ with clang++ and replays the inputs that once
# broke the loader (the ctest fuzz_loader_regressions). Then seeds a corpus, in a temporary
# directory and never in the repository, from tests/bad-input/*.yaml, scenarios/*.yaml,
# tests/scenarios/fidelity/ and the small files of tests/fuzz/regressions/, and fuzzes. Exits
# non-zero on a finding (crash, sanitizer report, uncaught exception, round-trip mismatch, hang
# over 5 s, memory over 2 GiB) and prints the path of the input that caused it; replay it with
# `build-fuzz/fuzz_loader <file>`.
# Environment: FUZZ_WORKDIR=<dir> keeps the corpus and findings there (reused by the next run);
# JOBS=<n> parallel compile jobs (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${1:-60}
if ! [[ "$duration" =~ ^[0-9]+$ ]] || [ "$duration" -lt 1 ]; then
  echo "usage: $0 [SECONDS]  (a whole number of seconds >= 1)" >&2
  exit 2
fi

# clang's libFuzzer and sanitizer runtimes come in Debian's libclang-rt-*-dev.
bash scripts/install-packages.sh clang libclang-rt-14-dev

build_dir="$root/build-fuzz"
cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTATESIM_FUZZ=ON >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}" --target fuzz_loader
# Inputs that once broke the loader first: a known bug back is reported before any fuzzing.
ctest --test-dir "$build_dir" -R '^fuzz_loader_regressions$' --output-on-failure

if [ -n "${FUZZ_WORKDIR:-}" ]; then
  work_dir=$FUZZ_WORKDIR
  mkdir -p "$work_dir"
else
  work_dir=$(mktemp -d /tmp/statesim-fuzz.XXXXXX)
fi
corpus="$work_dir/corpus"
findings="$work_dir/findings"
mkdir -p "$corpus" "$findings"
cp -- tests/bad-input/*.yaml scenarios/*.yaml "$corpus/"
if compgen -G "tests/scenarios/fidelity/*.yaml" >/dev/null; then
  cp -- tests/scenarios/fidelity/*.yaml "$corpus/"
fi
# The large regression inputs stay out: libFuzzer would mutate inputs up to their size.
find tests/fuzz/regressions -type f -size -64k -exec cp -- {} "$corpus/" \;

echo "fuzzing the scenario loader for ${duration}s (corpus: $corpus)"
status=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build_dir/fuzz_loader" "$corpus" \
  -dict="$root/tests/fuzz/scenario.dict" \
  -max_total_time="$duration" -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$findings/" -print_final_stats=1 \
  >"$work_dir/fuzz.log" 2>&1 || status=$?

shopt -s nullglob
found=("$findings"/*)
if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
  # The report starts at the first error line (sanitizer, libFuzzer or the target's own).
  sed -n '/ERROR\|runtime error\|^fuzz_loader: /,$p' "$work_dir/fuzz.log" | head -n 80 >&2
  echo "FINDING (exit status $status); full log: $work_dir/fuzz.log" >&2
  for input in "${found[@]}"; do
    echo "  input: $input   (replay: $build_dir/fuzz_loader $input)" >&2
  done
  exit 1
fi
grep -E '^(Done|stat::)' "$work_dir/fuzz.log" || true
if [ -z "${FUZZ_WORKDIR:-}" ]; then
  rm -rf -- "$work_dir"
  echo "no finding in ${duration}s"
else
  echo "no finding in ${duration}s; corpus and log kept in $work_dir"
fi
