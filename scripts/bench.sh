#!/usr/bin/env bash
# Benchmarks: builds release binaries, then measures
#   1. the latency replayd adds to one replay (socket → replayd → simulator vs. straight to the simulator), and
#   2. how many concurrent upstream transfers one libcurl network thread sustains,
#   3. how close a rate-limited burst gets to the least time Strait's limit allows (three window offsets, ~10 min),
#   4. audit records/s with group commit vs. one fdatasync per record, and `audit verify` records/s,
#   5. verified webhooks/s per signature scheme (in-process, one core), and the ack latency of each webhook sender
#      kind under load (16 clients, every delivery unique and submitting a real replay).
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
echo "## Pacing: 2000 replays against a per-key limit of 600/min, from three offsets into the window"
echo
for offset in 0 20 55; do
    "$bin/replayd-bench" pacing --replayd "$bin/replayd" --requests 2000 --limit 600 --start-offset "$offset"
done
echo
echo "## The audit log"
echo
"$bin/replayd-bench" audit --records 10000 --verify-records 200000
echo
echo "## Webhooks: verifications/s per scheme on one core (~1 KiB bodies), and ack latency per sender under load"
echo
"$bin/replayd-bench" webhooks --replayd "$bin/replayd"
