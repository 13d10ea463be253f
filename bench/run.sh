#!/bin/bash
# hardnut benchmark: builds the release preset, then measures hardnut's folder
# scan, hardnut on file arguments, hardnut's overview, systemd-analyze (1,000
# files per process) and cat on the corpus services and on 1,000 / 10,000 /
# 100,000 generated units, and prints the table.
# Usage: bench/run.sh [--sizes 1000,10000] [--quick] [--keep]
#                     [--systemd-sample N] [--repeats N] [--no-build] ...
# (bench/run.sh --help lists every option; see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) build=0 ;;
  esac
done
args=()
for a in "$@"; do [ "$a" = --no-build ] || args+=("$a"); done

for tool in python3 cat; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done
command -v systemd-analyze >/dev/null ||
  echo "bench: systemd-analyze not found (package systemd): its columns will be n/a" >&2

if [ "$build" = 1 ]; then
  echo "bench: building the release preset ..." >&2
  cmake --preset release >/dev/null
  # Only the binary: the benchmark needs no test executables.
  cmake --build --preset release --target hardnut >&2
fi

exec python3 bench/bench.py ${args[@]+"${args[@]}"}
