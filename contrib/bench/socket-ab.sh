#!/usr/bin/env bash
# contrib/bench/socket-ab.sh: the socket door of one replayd binary under keep-alive load, for before/after
# comparisons of builds (README's profile log). Starts `BIN simulate` as the upstream and `BIN serve` on a fresh
# state directory, warms up, then for each connection count sends REQUESTS unique replays (own Idempotency-Key,
# ?force=true) with contrib/bench/loadgen and prints one line: the daemon's CPU ms per replay (from /proc) and
# loadgen's JSON. Alternate binaries yourself, e.g.
#   for r in 1 2; do for b in old new; do contrib/bench/socket-ab.sh ./replayd-$b 4000 16 64; done; done
#
# Environment:
#   LOADGEN=PATH        the load generator (default: contrib/bench/loadgen, compiled when missing)
#   SEED=N              first add N finished records to the store (contrib/bench/seed-store.py), SEED_AGE hours
#                       old (default 1; older than [replays] retention, 24 h, makes the pruner delete them during
#                       the run); SEED_CACHE=FILE copies FILE instead when it exists (else seeds, then saves it
#                       there), for alternating rounds
#   AUDIT_BYTES=N       first fill the audit log with N bytes of sealed records (replayd-bench audit-seed, from
#                       BENCH, default .build-rel/release/replayd-bench); `replayd audit verify` passes on it
#   STATE_DIR=DIR       use this existing state directory (kept) instead of a fresh one, e.g. one whose audit log
#                       was filled with `replayd-bench audit-seed` (its [state] dir must be spelled the same)
#   STRACE=1            count fsync/fdatasync of the daemon during the measured runs (strace -f -c, or
#                       STRACE_ARGS=-y for one line per call with its file) into $OUT/strace.txt
#   PERF=1              record a profile (perf record -g) into $OUT/perf.data
#   OUT=DIR             where strace/perf output goes (default /tmp)
#   LIMITS=off          run with [limits] enabled = false (default: on, far above the load, to measure its cost)
set -euo pipefail
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN=$1; N=${2:-4000}; shift 2 || true; CONNS=${*:-16 64}
OUT=${OUT:-/tmp}
LOADGEN=${LOADGEN:-$here/loadgen}
if [ ! -x "$LOADGEN" ]; then cc -O2 -pthread -o "$LOADGEN" "$here/loadgen.c" -lcrypto; fi
D=$(mktemp -d /tmp/socket-ab.XXXXXX); chmod 700 "$D"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
"$BIN" simulate --listen 127.0.0.1:0 --ip-rate-limit 0 --key-rate-limit 0 --no-auth-lockout --log-level error \
    > "$D/sim.out" 2>/dev/null &
pids+=("$!")
for _ in $(seq 100); do grep -q http "$D/sim.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' "$D/sim.out" | head -1)
STATE=${STATE_DIR:-$D/state}
[ -n "${STATE_DIR:-}" ] || mkdir -m 700 "$STATE"
cat > "$D/replayd.toml" <<TOML
[upstream]
base_url = "$URL"
api_key_env = "STRAIT_API_KEY"
[socket]
path = "$D/replayd.sock"
max_connections = 4096
max_connections_per_uid = 4096
[state]
dir = "$STATE"
[log]
level = "error"
[replays]
coalesce_window = "0s"
wait = "10m"
deadline = "1h"
[limits]
# LIMITS=off turns the rate limits off; by default they are on but far above the load, so the run measures
# their cost and never a refusal.
enabled = $( [ "${LIMITS:-on}" = off ] && echo false || echo true )
per_principal = "1000000000 per 1s, burst 1000000000"
per_source = "1000000000 per 1s, burst 1000000000"
per_run = "1000000000 per 1s, burst 1000000000"
global = "1000000000 per 1s, burst 1000000000"
reads_per_principal = "1000000000 per 1s, burst 1000000000"
max_in_flight_per_principal = 65536
[[principals]]
name = "bench"
unix_uids = [$(id -u)]
[[grants]]
name = "bench"
to = ["bench"]
allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
TOML
export STRAIT_API_KEY=strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
wait_socket() {
    for _ in $(seq 300); do
        [ -S "$D/replayd.sock" ] && return 0
        kill -0 "$1" 2>/dev/null || { cat "$D/daemon.log"; exit 1; }
        sleep 0.1
    done
    echo "replayd did not start" >&2; exit 1
}
if [ -n "${SEED:-}" ] || [ -n "${AUDIT_BYTES:-}" ]; then
    "$BIN" serve --config "$D/replayd.toml" > "$D/daemon.log" 2>&1 &
    spid=$!; wait_socket $spid; kill $spid; wait $spid || true
fi
if [ -n "${AUDIT_BYTES:-}" ]; then
    "${BENCH:-.build-rel/release/replayd-bench}" audit-seed --state-dir "$STATE" --bytes "$AUDIT_BYTES" 2>/dev/null \
        | tr '\n' ' '
fi
if [ -n "${SEED:-}" ]; then
    t0=$(date +%s.%N)
    if [ -n "${SEED_CACHE:-}" ] && [ -f "$SEED_CACHE" ]; then
        cp "$SEED_CACHE" "$STATE/replayd.sqlite"; rm -f "$STATE/replayd.sqlite-wal" "$STATE/replayd.sqlite-shm"
        echo -n "copied $SEED_CACHE; "
    else
        python3 "$here/seed-store.py" "$STATE/replayd.sqlite" "$SEED" "${SEED_AGE:-1}"
        if [ -n "${SEED_CACHE:-}" ]; then cp "$STATE/replayd.sqlite" "$SEED_CACHE"; fi
    fi
    echo "seeded $SEED records in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s;" \
        "store $(du -sh "$STATE/replayd.sqlite" | cut -f1)"
fi
t0=$(date +%s.%N)
"$BIN" serve --config "$D/replayd.toml" > "$D/daemon.log" 2>&1 &
DPID=$!; pids+=("$DPID")
ready=$("$LOADGEN" --unix "$D/replayd.sock" --until-ready 120 --path /v1/_ping) || { cat "$D/daemon.log"; exit 1; }
echo -n "ready_ms=$(python3 -c "print(round((${ready%% *} - $t0) * 1000, 1))") "
path='/v1/runs/run_failed_1/replay?force=true'
"$LOADGEN" --unix "$D/replayd.sock" --connections 4 --requests 200 --method POST --path "$path" \
    --header 'Idempotency-Key: warm-{n}' > /dev/null
if [ -n "${STRACE:-}" ]; then
    strace -f ${STRACE_ARGS:--c} -e trace=fsync,fdatasync -p $DPID -o "$OUT/strace.txt" & SP=$!; sleep 1
fi
if [ -n "${PERF:-}" ]; then perf record -F 999 -g -p $DPID -o "$OUT/perf.data" > /dev/null 2>&1 & PP=$!; fi
for c in $CONNS; do
    t0=$(awk '{print $14+$15}' /proc/$DPID/stat)
    r=$("$LOADGEN" --unix "$D/replayd.sock" --connections "$c" --requests "$N" --method POST --path "$path" \
        --header "Idempotency-Key: k$c-{n}")
    t1=$(awk '{print $14+$15}' /proc/$DPID/stat)
    ticks=$(getconf CLK_TCK)
    echo "conns=$c cpu_ms_per_replay=$(python3 -c "print(round(($t1-$t0)*1000/$ticks/$N, 3))") $r"
done
if [ -n "${PERF:-}" ]; then kill -INT $PP; wait $PP || true; fi
if [ -n "${STRACE:-}" ]; then kill -INT $SP; wait $SP || true; fi
grep VmHWM /proc/$DPID/status
