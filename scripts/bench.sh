#!/usr/bin/env bash
# Benchmarks: builds release binaries, then measures
#   1. the latency replayd adds to one replay (socket → replayd → simulator vs. straight to the simulator), and
#   2. how many concurrent upstream transfers one libcurl network thread sustains.
# Usage: scripts/bench.sh [requests] [concurrency levels]   e.g. scripts/bench.sh 2000 500,1000,2000
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product replayd >&2
swift build -c release --product replayd-bench >&2
bin="$(swift build -c release --show-bin-path)"
requests="${1:-2000}"
levels="${2:-500,1000,2000}"

echo "## Machine"
echo
echo "- $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "- $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "- $(swift --version 2>&1 | head -1)"
echo "- libcurl $(pkg-config --modversion libcurl)"
echo
echo "## Latency added by replayd ($requests interleaved replays per path, after warm-up)"
echo
"$bin/replayd-bench" latency --replayd "$bin/replayd" --requests "$requests"
echo
echo "## Concurrent in-flight requests on one network thread (simulator holds each 2 s)"
echo
"$bin/replayd-bench" concurrency --replayd "$bin/replayd" --levels "$levels"
echo
echo "## Pacing: 300 replays against a per-key limit of 100/min"
echo
"$bin/replayd-bench" pacing --replayd "$bin/replayd" --requests 300 --limit 100
