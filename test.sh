#!/bin/bash
# Builds hardnut and runs every test: unit tests, the corpus conformance
# and differential tests against systemd-analyze 252/257/262, live mode in a
# booted systemd, integrations (SARIF, Prometheus, package), in the normal
# build and under AddressSanitizer + UndefinedBehaviorSanitizer; then the
# fuzzers for a bounded time.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v systemd-analyze >/dev/null; then
  echo "test.sh: systemd-analyze (package systemd) is required as the test oracle" >&2
  exit 2
fi

# The systemd 257 and 262 trees the version tests run the real
# systemd-analyze of, and the Debian 12 tree the live tests boot systemd 252
# in (../shared/tools/README.md; both skip trees that exist, and need root
# and the Debian archive). A test whose tree is missing fails and says why.
if [ "$(id -u)" = 0 ]; then
  ../shared/tools/oracle --setup ||
    echo "test.sh: oracle --setup failed; the 257/262 tests will fail" >&2
  ../shared/tools/live-systemd setup ||
    echo "test.sh: live-systemd setup failed; the live tests will fail" >&2
  # Bootable 257 and 262 systems for live_v257/live_v262, built in parallel.
  oracles=${SYSTEMD_ORACLES_DIR:-/var/cache/systemd-oracles}
  pids=()
  for suite in trixie sid; do
    LIVE_SUITE=$suite LIVE_TREE=$oracles/$suite-live LIVE_STATE=$oracles/.$suite-live-state \
      LIVE_NAME=live-$suite ../shared/tools/live-systemd setup &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || echo "test.sh: live-systemd setup of a 257/262 tree failed; live_v257/live_v262 will fail" >&2
  done
fi

# The live suites (label `live`: booted systems, mostly waiting on restarts
# and time-outs) run in the background beside the CPU-bound rest: the plain
# build's as soon as it exists, the sanitizer build's once that exists (its
# live_v252 waits for the plain one's on the shared tree, tests/live/tree_lock.py).
# Their output is printed when they end; any failure fails the run.
background=()
run_live() {
  local preset=$1 log=build/$1/live-tests.log
  # Its own session, so that an early exit can stop all of it (trap below).
  setsid ctest --preset "$preset" -L live >"$log" 2>&1 &
  background+=("$!:$preset:$log")
  echo "test.sh: $preset live suites started in the background (log: $log)"
}
stop_background() {
  for job in "${background[@]}"; do
    kill -TERM -- "-${job%%:*}" 2>/dev/null || true
  done
}
trap stop_background EXIT
status=0
for preset in dev asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  run_live "$preset"
  ctest --preset "$preset" -LE live || status=1
done

# libFuzzer targets (clang, ASan + UBSan): replay the committed seeds and
# regressions, then fuzz each target for HARDNUT_FUZZ_SECONDS (default 60).
fuzz/run.sh || status=1

for job in "${background[@]}"; do
  IFS=: read -r pid preset log <<<"$job"
  if wait "$pid"; then
    echo "== $preset live suites passed"
  else
    echo "== $preset live suites FAILED"
    status=1
  fi
  cat "$log"
done
background=()
exit "$status"
