#!/bin/bash
# Benchmark (a script, not a timed test): wall time of hardnut's live
# overview against `systemd-analyze security`'s, in the same booted
# systemd 252 (../shared/tools/live-systemd), with several hundred loaded
# services. Both overviews must be identical; medians of REPS runs each,
# run alternately. Also times hardnut's fetch strategies and a sequential
# run (one call in flight), the knobs HARDNUT_LIVE_FETCH/HARDNUT_LIVE_WINDOW.
#
#   tests/live/bench.sh HARDNUT_BINARY [UNITS=500] [REPS=7]
#
# Needs root. Rewrites the tree's /usr/local/lib/systemd/system (which the
# live test owns too) and stops the system at the end.
set -euo pipefail

TOOL=${1:?usage: bench.sh HARDNUT_BINARY [UNITS] [REPS]}
UNITS=${2:-500}
REPS=${3:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
LIVE=${LIVE_SYSTEMD:-$HERE/../../../shared/tools/live-systemd}
ORACLES=${SYSTEMD_ORACLES_DIR:-/var/cache/systemd-oracles}
TREE=${LIVE_TREE:-$ORACLES/bookworm-live}
UNIT_DIR=$TREE/usr/local/lib/systemd/system

[ "$(id -u)" = 0 ] || { echo "bench.sh: needs root (live-systemd)" >&2; exit 1; }
[ -d "$TREE/lib/systemd" ] || "$LIVE" setup

"$LIVE" stop >/dev/null 2>&1 || true
trap '"$LIVE" stop >/dev/null 2>&1 || true' EXIT

rm -rf "$UNIT_DIR"
mkdir -p "$UNIT_DIR"
# Services that differ as real ones do: a few hardening options each.
options=("NoNewPrivileges=yes" "PrivateTmp=yes" "ProtectSystem=strict" "ProtectHome=yes"
         "DynamicUser=yes" "User=nobody" "PrivateDevices=yes" "RestrictAddressFamilies=AF_UNIX"
         "SystemCallFilter=@system-service" "IPAddressDeny=any" "CapabilityBoundingSet="
         "ProtectKernelTunables=yes" "MemoryDenyWriteExecute=yes" "UMask=0077")
{
  echo "[Unit]"
  for i in $(seq 1 "$UNITS"); do
    name=$(printf 'bench-%04d.service' "$i")
    {
      echo "[Service]"
      echo "ExecStart=/bin/sleep infinity"
      for k in 0 1 2; do echo "${options[$(((i * 7 + k * 5) % ${#options[@]}))]}"; done
    } >"$UNIT_DIR/$name"
    echo "After=$name"
  done
} >"$UNIT_DIR/bench.target"
install -m 0755 "$TOOL" "$TREE/usr/local/bin/hardnut-under-test"
cp "$HERE/bench_inside.py" "$TREE/usr/local/bin/hardnut-bench-inside"

"$LIVE" start
"$LIVE" exec systemctl start bench.target
"$LIVE" exec python3 /usr/local/bin/hardnut-bench-inside "$REPS"
