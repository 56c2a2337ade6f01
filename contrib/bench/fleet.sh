#!/usr/bin/env bash
# contrib/bench/fleet.sh: replayd on a PostgreSQL state, as a fleet of real `replayd serve` processes, on one
# machine. Starts a throwaway PostgreSQL cluster (initdb/pg_ctl in a temp directory, Unix socket only; as `nobody`
# when run as root), `replayd simulate` as the upstream, and the daemons, and measures:
#
#   throughput  one instance on SQLite, one on PostgreSQL, two on one PostgreSQL database: REQUESTS unique
#               replays (?force=true, own Idempotency-Key) at CONNS keep-alive connections in total, split evenly
#               over the instances; replays/s, p50/p99, CPU ms per replay (daemons, and PostgreSQL's processes);
#               alternating over ROUNDS rounds.
#   failover    two instances at the default lease_ttl (15 s); FAILOVER_REPLAYS replays queued on instance A
#               (`Prefer: respond-async`, the upstream limited to 600/min so they wait their turn), A is killed
#               with SIGKILL once FAILOVER_KILL_AFTER have finished; reports kill -> B's first takeover, kill -> every replay
#               finished, and that the simulator created exactly one run per replay.
#   pacing      PACING_INSTANCES (3) instances under the simulator's per-key limit of 600/min: `replayd-bench
#               pacing` sends PACING_REQUESTS replays round-robin over their sockets, at each start offset in OFFSETS.
#
# Usage: contrib/bench/fleet.sh [throughput] [failover] [pacing]     (default: all three)
#
# Environment:
#   REPLAYD_BIN=PATH     replayd (default: .build-rel/release/replayd, built in release when missing)
#   BENCH_BIN=PATH       replayd-bench, for pacing (default: .build-rel/release/replayd-bench, built when missing)
#   REQUESTS=N CONNS=N ROUNDS=N   throughput: default 4000 replays, 16 connections, 2 rounds
#   FAILOVER_REPLAYS=N FAILOVER_KILL_AFTER=N   default 900 replays, the kill once 650 have finished (past the
#                        600 the limit's first window admits, so the rest wait their turn at 10/s)
#   PACING_REQUESTS=N PACING_INSTANCES=N OFFSETS="S ..."   default 1000 replays over 3 instances, offsets "0 30"
#   PG_BINDIR=DIR        PostgreSQL's server binaries (default: the newest /usr/lib/postgresql/*/bin, else $PATH;
#                        Debian: apt-get install postgresql)
#   KEEP=1               keep the temp directory (daemon logs, audit logs, the cluster's log)
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
MODES=${*:-throughput failover pacing}
for m in $MODES; do
    case $m in throughput | failover | pacing) ;; *) echo "unknown measurement '$m' (throughput, failover, pacing)" >&2; exit 2 ;; esac
done
REQUESTS=${REQUESTS:-4000}; CONNS=${CONNS:-16}; ROUNDS=${ROUNDS:-2}
FAILOVER_REPLAYS=${FAILOVER_REPLAYS:-900}; FAILOVER_KILL_AFTER=${FAILOVER_KILL_AFTER:-650}
PACING_REQUESTS=${PACING_REQUESTS:-1000}; PACING_INSTANCES=${PACING_INSTANCES:-3}; OFFSETS=${OFFSETS:-0 30}
REPLAYD_BIN=${REPLAYD_BIN:-$root/.build-rel/release/replayd}
BENCH_BIN=${BENCH_BIN:-$root/.build-rel/release/replayd-bench}
LOADGEN=${LOADGEN:-$here/loadgen}
log() { echo "fleet: $*" >&2; }

if [ ! -x "$REPLAYD_BIN" ]; then
    log "building replayd in release (swift build -c release --scratch-path .build-rel)"
    (cd "$root" && swift build -c release --scratch-path .build-rel --product replayd >&2)
fi
if [[ " $MODES " == *" pacing "* ]] && [ ! -x "$BENCH_BIN" ]; then
    log "building replayd-bench in release"
    (cd "$root" && swift build -c release --scratch-path .build-rel --product replayd-bench >&2)
fi
if [ ! -x "$LOADGEN" ]; then cc -O2 -pthread -o "$LOADGEN" "$here/loadgen.c" -lcrypto; fi
if [ -z "${PG_BINDIR:-}" ]; then
    PG_BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$PG_BINDIR" ] || PG_BINDIR=$(dirname "$(command -v initdb || echo /nonexistent/initdb)")
fi
if [ ! -x "$PG_BINDIR/initdb" ] || [ ! -x "$PG_BINDIR/pg_ctl" ]; then
    echo "fleet: PostgreSQL's initdb and pg_ctl are missing (looked in $PG_BINDIR)." \
        "Install them: sudo apt-get install postgresql (or set PG_BINDIR)" >&2
    exit 1
fi

D=$(mktemp -d /tmp/rfleet.XXXXXX); chmod 700 "$D"
PGD=$(mktemp -d /tmp/rfleet-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$PGD"
    as_pg=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
fi
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    "${as_pg[@]}" "$PG_BINDIR/pg_ctl" -D "$PGD/data" -m immediate stop > /dev/null 2>&1 || true
    if [ -n "${KEEP:-}" ]; then log "kept $D and $PGD"; else rm -rf "$D" "$PGD"; fi
}
trap cleanup EXIT

log "starting PostgreSQL ($PG_BINDIR) in $PGD"
"${as_pg[@]}" "$PG_BINDIR/initdb" -D "$PGD/data" -U replayd --auth=trust -E UTF8 > "$PGD/initdb.log" 2>&1 \
    || { cat "$PGD/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$PG_BINDIR/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories=$PGD -c port=5432 -c max_connections=200" start > /dev/null
PG_PID=$(head -1 "$PGD/data/postmaster.pid")
new_db() { # prints the URL of a new, empty database (called in $(…), so the name cannot come from a counter)
    local name; name=fleet_$(date +%s%N)
    "$PG_BINDIR/psql" -h "$PGD" -U replayd -d postgres -qAt -c "CREATE DATABASE $name" > /dev/null
    echo "postgres:///$name?host=$PGD&user=replayd"
}
psql_db() { "$PG_BINDIR/psql" -h "$PGD" -U replayd -d "$1" -qAt -c "$2"; }
[ -x "$PG_BINDIR/psql" ] || { echo "fleet: psql is missing in $PG_BINDIR" >&2; exit 1; }

export STRAIT_API_KEY=strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SIM_URL=""; SIM_PID=""
start_simulator() { # $1: per-key limit per minute (0 = none)
    [ -n "$SIM_PID" ] && { kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; }
    "$REPLAYD_BIN" simulate --listen 127.0.0.1:0 --ip-rate-limit 0 --key-rate-limit "$1" --no-auth-lockout \
        --log-level error > "$D/sim.out" 2> "$D/sim.err" &
    SIM_PID=$!; pids+=("$SIM_PID")
    for _ in $(seq 200); do grep -q http "$D/sim.out" 2>/dev/null && break; sleep 0.05; done
    SIM_URL=$(grep -o 'http://[^ ]*' "$D/sim.out" | head -1)
    [ -n "$SIM_URL" ] || { cat "$D/sim.err" >&2; exit 1; }
}
sim_json() { curl -fsS "$SIM_URL$1"; }

# write_config NAME [URL] [EXTRA_STATE]: an instance's config in $D/NAME (SQLite when URL is empty).
write_config() {
    local dir=$D/$1 url=${2:-}
    rm -rf "$dir"; mkdir -m 700 -p "$dir/state"
    {
        cat <<TOML
[upstream]
base_url = "$SIM_URL"
api_key_env = "STRAIT_API_KEY"
[socket]
path = "$dir/replayd.sock"
max_connections = 4096
max_connections_per_uid = 4096
[state]
dir = "$dir/state"
instance_id = "$1"
TOML
        if [ -n "$url" ]; then printf 'backend = "postgres"\nurl_env = "REPLAYD_STATE_URL"\n%s\n' "${3:-}"; fi
        cat <<TOML
[log]
level = "warning"
[replays]
coalesce_window = "0s"
wait = "10m"
deadline = "1h"
[limits]
enabled = false
max_in_flight_per_principal = 65536
[[principals]]
name = "bench"
unix_uids = [$(id -u)]
[[grants]]
name = "bench"
to = ["bench"]
allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
TOML
    } > "$dir/replayd.toml"
}
declare -A DPID
start_daemon() { # $1: NAME, $2: URL (empty: SQLite)
    local dir=$D/$1
    REPLAYD_STATE_URL=${2:-} "$REPLAYD_BIN" serve --config "$dir/replayd.toml" > "$dir/daemon.log" 2>&1 &
    DPID[$1]=$!; pids+=("$!")
    for _ in $(seq 600); do
        if [ -S "$dir/replayd.sock" ] \
            && curl -fsS --unix-socket "$dir/replayd.sock" http://localhost/v1/_ping > /dev/null 2>&1; then
            return 0
        fi
        kill -0 "${DPID[$1]}" 2>/dev/null || { cat "$dir/daemon.log" >&2; exit 1; }
        sleep 0.05
    done
    echo "fleet: $1 did not start" >&2; cat "$dir/daemon.log" >&2; exit 1
}
stop_daemon() { kill "${DPID[$1]}" 2>/dev/null || true; wait "${DPID[$1]}" 2>/dev/null || true; }
migrate() {
    REPLAYD_STATE_URL=$2 "$REPLAYD_BIN" state migrate --config "$D/$1/replayd.toml" > "$D/migrate.log" 2>&1 \
        || { cat "$D/migrate.log" >&2; exit 1; }
}
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
pg_pids() { echo "$PG_PID" $(pgrep -P "$PG_PID" || true); }
ticks=$(getconf CLK_TCK)
ms_per() { python3 -c "print(round(($1)*1000/$ticks/$2, 3))"; }
now_ms() { date +%s%3N; }

machine() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
        "$(uname -sr), PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

throughput() {
    start_simulator 0
    local path='/v1/runs/run_failed_1/replay?force=true'
    echo
    echo "### Throughput: $REQUESTS replays at $CONNS connections in total, $ROUNDS rounds ($(machine))"
    echo
    echo "| round | setup | replays/s | p50 ms | p99 ms | daemon CPU ms/replay | PostgreSQL CPU ms/replay | non-2xx |"
    echo "|---|---|---|---|---|---|---|---|"
    local round setup
    for round in $(seq "$ROUNDS"); do
        for setup in sqlite-1 postgres-1 postgres-2; do
            local names=() url=""
            case $setup in
                sqlite-1) names=(s1) ;;
                postgres-1) names=(p1); url=$(new_db) ;;
                postgres-2) names=(p1 p2); url=$(new_db) ;;
            esac
            local n
            for n in "${names[@]}"; do write_config "$n" "$url"; done
            [ -n "$url" ] && migrate "${names[0]}" "$url"
            for n in "${names[@]}"; do start_daemon "$n" "$url"; done
            for n in "${names[@]}"; do
                "$LOADGEN" --unix "$D/$n/replayd.sock" --connections 4 --requests 200 --method POST --path "$path" \
                    --header "Idempotency-Key: warm-$n-{n}" > /dev/null
            done
            local k=${#names[@]} dp=() loads=()
            for n in "${names[@]}"; do dp+=("${DPID[$n]}"); done
            local d0 p0 t0 t1
            d0=$(cpu_ticks "${dp[@]}"); p0=$(cpu_ticks $(pg_pids)); t0=$(now_ms)
            for n in "${names[@]}"; do
                "$LOADGEN" --unix "$D/$n/replayd.sock" --connections $((CONNS / k)) --requests $((REQUESTS / k)) \
                    --method POST --path "$path" --header "Idempotency-Key: r$round-$n-{n}" > "$D/lg-$n.json" &
                loads+=("$!")
            done
            for j in "${loads[@]}"; do wait "$j"; done
            t1=$(now_ms)
            local d1 p1
            d1=$(cpu_ticks "${dp[@]}"); p1=$(cpu_ticks $(pg_pids))
            python3 - "$setup" "$round" "$t0" "$t1" "$((d1 - d0))" "$((p1 - p0))" "$ticks" "$REQUESTS" \
                "$([ -n "$url" ] && echo pg || echo none)" "${names[@]/#/$D/lg-}" <<'PY'
import json, sys
setup, rnd, t0, t1, dticks, pticks, hz, n, pg = sys.argv[1:10]
runs = [json.load(open(f + ".json")) for f in sys.argv[10:]]
seconds = (int(t1) - int(t0)) / 1000
n = sum(r["requests"] for r in runs)
p50 = max(r["p50_ms"] for r in runs); p99 = max(r["p99_ms"] for r in runs)
non2xx = sum(r["non_2xx"] + r["errors"] for r in runs)
pgcpu = f"{int(pticks) * 1000 / int(hz) / n:.3f}" if pg == "pg" else "-"
print(f"| {rnd} | {setup} | {n / seconds:.0f} | {p50:.1f} | {p99:.1f} | {int(dticks) * 1000 / int(hz) / n:.3f} | {pgcpu} | {non2xx} |")
PY
            for n in "${names[@]}"; do stop_daemon "$n"; done
        done
    done
}

failover() {
    start_simulator 600
    local url; url=$(new_db)
    write_config a "$url"; write_config b "$url"; migrate a "$url"
    start_daemon a "$url"; start_daemon b "$url"
    local base; base=$(sim_json /_sim/replays | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    log "failover: queueing $FAILOVER_REPLAYS replays on instance a"
    "$LOADGEN" --unix "$D/a/replayd.sock" --connections 16 --requests "$FAILOVER_REPLAYS" --method POST \
        --path '/v1/runs/run_failed_1/replay?force=true' --header 'Idempotency-Key: failover-{n}' \
        --header 'Prefer: respond-async' > "$D/failover-load.json"
    local db=${url#postgres:///}; db=${db%%\?*}
    local quota=$FAILOVER_KILL_AFTER done_count=0
    while :; do
        done_count=$(psql_db "$db" "SELECT count(*) FROM replays WHERE key LIKE 'failover-%' AND state IN ('succeeded','failed','indeterminate')")
        [ "$done_count" -ge "$quota" ] && break
        sleep 0.1
    done
    local killed; killed=$(now_ms)
    kill -9 "${DPID[a]}"
    log "failover: killed a after $done_count replays finished; waiting for b"
    local first="" all=""
    local deadline=$(( $(now_ms) + 600000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if [ -z "$first" ] && grep -q '"lease_takeover"' "$D/b/state/audit/"audit-*.jsonl 2>/dev/null; then first=$(now_ms); fi
        local open
        open=$(psql_db "$db" "SELECT count(*) FROM replays WHERE key LIKE 'failover-%' AND state NOT IN ('succeeded','failed','indeterminate')")
        if [ "$open" = 0 ]; then all=$(now_ms); break; fi
        sleep 0.1
    done
    local runs; runs=$(sim_json /_sim/replays | python3 -c "import json,sys; print(json.load(sys.stdin)['total'] - $base)")
    local states; states=$(psql_db "$db" "SELECT state || ' ' || count(*) FROM replays WHERE key LIKE 'failover-%' GROUP BY state ORDER BY state" | paste -sd, -)
    local takeovers; takeovers=$(cat "$D/b/state/audit/"audit-*.jsonl | grep -c '"lease_takeover"' || true)
    echo
    echo "### Failover at the default lease_ttl (15 s), $FAILOVER_REPLAYS replays queued on a, upstream 600/min ($(machine))"
    echo
    echo "| finished before the kill | kill -> b's first takeover s | kill -> all finished s | b's takeovers | records | runs created |"
    echo "|---|---|---|---|---|---|"
    echo "| $done_count | $( [ -n "$first" ] && python3 -c "print(round(($first-$killed)/1000,1))" || echo never) |" \
        "$( [ -n "$all" ] && python3 -c "print(round(($all-$killed)/1000,1))" || echo never) | $takeovers | $states | $runs |"
    "$REPLAYD_BIN" audit verify --dir "$D/a/state/audit" --dir "$D/b/state/audit" \
        --key "$D/a/state/audit.key" --key "$D/b/state/audit.key" > "$D/verify.txt" 2>&1 \
        && log "failover: audit verify passed for both instances" || { cat "$D/verify.txt" >&2; log "audit verify FAILED"; }
    stop_daemon b
}

pacing() {
    local n=$PACING_INSTANCES names=() i
    for i in $(seq "$n"); do names+=("c$i"); done
    echo
    echo "### Pacing across $n instances: $PACING_REQUESTS replays, the upstream limited to 600/min ($(machine))"
    local offset
    for offset in $OFFSETS; do
        start_simulator 600
        local url; url=$(new_db)
        local sockets=() c
        for c in "${names[@]}"; do write_config "$c" "$url"; sockets+=(--socket "$D/$c/replayd.sock"); done
        migrate c1 "$url"
        for c in "${names[@]}"; do start_daemon "$c" "$url"; done
        echo
        "$BENCH_BIN" pacing --simulator "$SIM_URL" "${sockets[@]}" --requests "$PACING_REQUESTS" --limit 600 \
            --start-offset "$offset"
        for c in "${names[@]}"; do stop_daemon "$c"; done
    done
}

for m in $MODES; do $m; done
