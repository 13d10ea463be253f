#!/bin/bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan)
# and fuzzes each for SECONDS (default: $HARDNUT_FUZZ_SECONDS, else 60). Fails on any crash, leak,
# timeout (-timeout=5) or out-of-memory (-rss_limit_mb=2048), after
# replaying the committed seeds and regressions (ctest --preset fuzz).
#
#   fuzz/run.sh [SECONDS] [TARGET...]      targets: lex load policy cli wrappers profile
#
# New corpus entries go to build/fuzz/corpus-work/<target>/ (the committed
# seeds in fuzz/corpus/ are only read), crashing inputs to
# build/fuzz/artifacts/<target>/; copy a crash to fuzz/regressions/<target>/
# once it is fixed. Prints the executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

seconds=${1:-${HARDNUT_FUZZ_SECONDS:-60}}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lex load policy cli wrappers profile)
case "$seconds" in '' | *[!0-9]*) echo "fuzz/run.sh: SECONDS must be a number: $seconds" >&2; exit 2 ;; esac

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz

build="$repo/build/fuzz"
declare -A dict=([lex]=unit [load]=unit [policy]=policy [cli]=cli [wrappers]=wrappers [profile]=profile)
failed=()
summary=()
for t in "${targets[@]}"; do
  work="$build/corpus-work/$t"
  artifacts="$build/artifacts/$t/"
  log="$build/fuzz-$t.log"
  mkdir -p "$work" "$artifacts"
  echo "== fuzz_$t for ${seconds}s (log: $log)"
  status=0
  # Sanitizer reports and libFuzzer's own output go to the log; the target's
  # stdout/stderr (hardnut's messages) are closed.
  inputs=("$work" "$repo/fuzz/corpus/$t")
  [ -d "$repo/fuzz/regressions/$t" ] && inputs+=("$repo/fuzz/regressions/$t")
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -close_fd_mask=3 -print_final_stats=1 -dict="$repo/fuzz/dict/${dict[$t]}.dict" \
    -artifact_prefix="$artifacts" "${inputs[@]}" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  line="fuzz_$t: ${execs:-?} executions in ${seconds}s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) files"
  if [ "$status" -ne 0 ]; then
    line="$line -- FAILED (exit $status)"
    failed+=("$t")
    grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written|fuzz invariant' "$log" | head -20 >&2 || true
  fi
  echo "$line"
  summary+=("$line")
done

echo
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: failed: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
