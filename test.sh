#!/bin/bash
# Builds hardnut and runs every test: unit tests, the corpus conformance
# test and the differential test against the local systemd-analyze, in the
# normal build and under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v systemd-analyze >/dev/null; then
  echo "test.sh: systemd-analyze (package systemd) is required as the test oracle" >&2
  exit 2
fi

for preset in dev asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done

# libFuzzer targets (clang, ASan + UBSan): replay the committed seeds and
# regressions, then fuzz each target for HARDNUT_FUZZ_SECONDS (default 60).
fuzz/run.sh
