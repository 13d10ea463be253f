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

# The systemd 254/257/262 trees the version tests run the real
# systemd-analyze of, and the Debian 12, 13 and sid trees the live tests boot
# systemd 252/257/262 in (../shared/tools/README.md; each skips a tree that
# exists, and needs root and the Debian archive). A test whose tree is
# missing fails and says why. They are built in parallel, in the background
# while the first build compiles (debootstrap waits on the archive, the
# compiler on the CPU); debootstrap comes from .ci/packages, so that no two
# of them install it at once.
setup_trees() {
  local oracles=${SYSTEMD_ORACLES_DIR:-/var/cache/systemd-oracles} pids=() pid
  ../shared/tools/oracle --setup &
  pids+=($!)
  ../shared/tools/live-systemd setup &
  pids+=($!)
  for suite in trixie sid; do
    LIVE_SUITE=$suite LIVE_TREE=$oracles/$suite-live LIVE_STATE=$oracles/.$suite-live-state \
      LIVE_NAME=live-$suite ../shared/tools/live-systemd setup &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || echo "test.sh: setting up a tree failed; the tests that use it will fail" >&2
  done
}
trees=
if [ "$(id -u)" = 0 ]; then
  mkdir -p build && setup_trees >build/trees.log 2>&1 &
  trees=$!
fi
wait_for_trees() {
  [ -n "$trees" ] || return 0
  wait "$trees" || true
  trees=
  phase "trees ready"
  cat build/trees.log
}

# The live suites (label `live`: booted systems, mostly waiting on restarts
# and time-outs) run in the background beside the CPU-bound rest: the plain
# build's as soon as it exists, the sanitizer build's once that exists (its
# live_v252 waits for the plain one's on the shared tree, tests/live/tree_lock.py).
# Their output is printed when they end; any failure fails the run.
# Each phase's start, with the seconds since the run began, so that a CI
# log shows where the time goes.
phase() { echo "== test.sh +${SECONDS}s: $*"; }
background=()
run_live() {
  local preset=$1 log=build/$1/live-tests.log
  shift
  # Its own session, so that an early exit can stop all of it (trap below).
  setsid ctest --preset "$preset" -L live "$@" >"$log" 2>&1 &
  background+=("$!:$preset:$log")
  echo "test.sh: $preset live suites started in the background (log: $log)"
}
stop_background() {
  [ -z "$trees" ] || pkill -TERM -P "$trees" 2>/dev/null || true
  for job in "${background[@]}"; do
    kill -TERM -- "-${job%%:*}" 2>/dev/null || true
  done
}
trap stop_background EXIT
status=0
for preset in dev asan; do
  phase "$preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  wait_for_trees
  # Under the sanitizers only live_v252: the code paths of live mode are
  # the same for every version, and the real-daemon suites exercise the
  # daemons far more than hardnut (they took about 15 minutes each again).
  if [ "$preset" = asan ]; then run_live "$preset" -R '^live_v252$'; else run_live "$preset"; fi
  phase "$preset tests"
  ctest --preset "$preset" -LE live || status=1
done

# libFuzzer targets (clang, ASan + UBSan): replay the committed seeds and
# regressions, then fuzz each target for HARDNUT_FUZZ_SECONDS (default 60).
phase "fuzzers"
fuzz/run.sh || status=1
phase "waiting for the live suites"

for job in "${background[@]}"; do
  IFS=: read -r pid preset log <<<"$job"
  if wait "$pid"; then
    phase "$preset live suites passed"
  else
    phase "$preset live suites FAILED"
    status=1
  fi
  cat "$log"
done
background=()
exit "$status"
