#!/usr/bin/env bash
# Fuzzes the scenario loader and the platform file's XML pre-check with libFuzzer, ASan and
# UBSan for SECONDS in all (default 60), half each.
#
# Usage: scripts/fuzz.sh [SECONDS]
#
# Builds tests/fuzz/fuzz_loader and tests/fuzz/fuzz_platform_xml in build-fuzz/ with clang++
# and replays the inputs that once broke them (the ctests fuzz_*_regressions). Then seeds a
# corpus per target, in a temporary directory and never in the repository: for the loader
# from tests/bad-input/*.yaml, scenarios/*.yaml, tests/scenarios/fidelity/ and the small files
# of tests/fuzz/regressions/; for the platform check from platforms/*.xml and
# tests/bad-input/platforms/*.xml; and fuzzes. Exits non-zero on a finding (crash, sanitizer
# report, uncaught exception, round-trip mismatch, a line outside the file, hang over 5 s,
# memory over 2 GiB) and prints the path of the input that caused it; replay it with
# `build-fuzz/<target> <file>`.
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
cmake --build "$build_dir" -j"${JOBS:-2}" --target fuzz_loader fuzz_platform_xml
# Inputs that once broke a target first: a known bug back is reported before any fuzzing.
ctest --test-dir "$build_dir" -R '^fuzz_.*_regressions$' --output-on-failure

if [ -n "${FUZZ_WORKDIR:-}" ]; then
  work_dir=$FUZZ_WORKDIR
  mkdir -p "$work_dir"
else
  work_dir=$(mktemp -d /tmp/statesim-fuzz.XXXXXX)
fi
findings="$work_dir/findings"
mkdir -p "$findings"
loader_corpus="$work_dir/corpus"
platform_corpus="$work_dir/platform-corpus"
mkdir -p "$loader_corpus" "$platform_corpus"
cp -- tests/bad-input/*.yaml scenarios/*.yaml "$loader_corpus/"
if compgen -G "tests/scenarios/fidelity/*.yaml" >/dev/null; then
  cp -- tests/scenarios/fidelity/*.yaml "$loader_corpus/"
fi
# The large regression inputs stay out: libFuzzer would mutate inputs up to their size.
find tests/fuzz/regressions -type f -size -64k -exec cp -- {} "$loader_corpus/" \;
cp -- platforms/*.xml tests/bad-input/platforms/*.xml "$platform_corpus/"

# fuzz TARGET CORPUS DICTIONARY SECONDS: 0 when nothing was found.
fuzz() {
  local target=$1 corpus=$2 dictionary=$3 seconds=$4 status=0
  echo "fuzzing $target for ${seconds}s (corpus: $corpus)"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build_dir/$target" "$corpus" \
    -dict="$dictionary" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$findings/$target-" -print_final_stats=1 \
    >"$work_dir/$target.log" 2>&1 || status=$?
  shopt -s nullglob
  local found=("$findings/$target-"*)
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    # The report starts at the first error line (sanitizer, libFuzzer or the target's own).
    sed -n "/ERROR\|runtime error\|^$target: /,\$p" "$work_dir/$target.log" | head -n 80 >&2
    echo "FINDING in $target (exit status $status); full log: $work_dir/$target.log" >&2
    for input in "${found[@]}"; do
      echo "  input: $input   (replay: $build_dir/$target $input)" >&2
    done
    return 1
  fi
  grep -E '^(Done|stat::)' "$work_dir/$target.log" || true
}

loader_seconds=$(( (duration + 1) / 2 ))
platform_seconds=$(( duration - loader_seconds > 0 ? duration - loader_seconds : 1 ))
failed=0
fuzz fuzz_loader "$loader_corpus" "$root/tests/fuzz/scenario.dict" "$loader_seconds" || failed=1
fuzz fuzz_platform_xml "$platform_corpus" "$root/tests/fuzz/platform.dict" "$platform_seconds" || failed=1
if [ "$failed" -ne 0 ]; then
  exit 1
fi
if [ -z "${FUZZ_WORKDIR:-}" ]; then
  rm -rf -- "$work_dir"
  echo "no finding in ${duration}s"
else
  echo "no finding in ${duration}s; corpora and logs kept in $work_dir"
fi
