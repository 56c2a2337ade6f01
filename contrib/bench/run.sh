#!/usr/bin/env bash
# contrib/bench/run.sh: replayd side by side with what people use instead, on one machine, in one run.
#
# One nginx instance plays Strait (a canned 201 JobRun for POST /v1/runs/{id}/replay, keep-alive, one access-log
# line per request). Against it, with the same load generator (contrib/bench/loadgen.c), in alternating order over
# several rounds:
#   direct-unix      loadgen -> upstream nginx on a Unix socket (the load generator's ceiling)
#   direct-tcp       loadgen -> upstream nginx on TCP (what an upstream call costs by itself)
#   wrk-direct-tcp   wrk -> upstream nginx on TCP (a second load generator, to cross-check loadgen)
#   nginx-proxy      loadgen -> nginx reverse proxy (keep-alive pool) -> upstream
#   webhook          loadgen -> adnanh/webhook (HMAC trigger rule, execs curl per request) -> upstream
#   replayd-socket   loadgen -> replayd's socket door (unique Idempotency-Key, ?force=true) -> upstream
#   replayd-webhook  loadgen -> replayd's webhook door (Standard Webhooks v1, unique signed deliveries) -> upstream
#   replayd-bulk     replayctl replay --from-file (N lines) -> replayd's socket door -> upstream
# then paced (open loop) runs at fixed rates, direct vs the socket door, for the latency replayd adds.
#
# Run `contrib/bench/run.sh --help` for the flags.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

rounds=2
duration=10
warmup=1
conns="16,64"
rates="200,1000"
paced_conns=64
bulk_lines=2000
contenders_all="direct-unix,direct-tcp,wrk-direct-tcp,nginx-proxy,webhook,replayd-socket,replayd-webhook,replayd-bulk"
contenders="$contenders_all"
results=""
log_level="warning"
install=1
keep_work=0

usage() {
    cat <<EOF
usage: contrib/bench/run.sh [options]

Runs replayd and its alternatives against one nginx upstream on this machine and prints a Markdown table.
Installs what is missing (nginx-light, webhook, wrk, a C compiler, libssl-dev; with sudo when not root), builds
replayd in release (unless REPLAYD_BIN / REPLAYCTL_BIN name existing binaries) and contrib/bench/loadgen.c.

Options:
  --rounds N            rounds; each round runs every contender once per connection count (default $rounds)
  --duration S          seconds per measurement (default $duration); paced runs send rate x S requests
  --warmup S            unmeasured seconds of load before each measurement (default $warmup)
  --conns LIST          connection counts, comma-separated (default $conns); also replayctl's --concurrency
  --rates LIST          open-loop rates for the added-latency runs (default $rates); "" skips them
  --paced-conns N       connections for the paced runs (default $paced_conns)
  --bulk-lines N        lines in replayctl's --from-file per measurement (default $bulk_lines)
  --only LIST           run only these contenders (default: all):
                        $contenders_all
  --results DIR         where raw results go (default ./bench-results/<UTC time>)
  --log-level LEVEL     replayd's [log] level during the run (default $log_level)
  --no-install          do not apt-get anything; fail if something is missing
  --keep-work           keep the temp work dir (configs, logs, state) for a post-mortem
  -h, --help            this text

Environment:
  REPLAYD_BIN, REPLAYCTL_BIN   use these binaries instead of building (swift build -c release --scratch-path .build-rel)
  LOADGEN_BIN                  use this loadgen instead of compiling contrib/bench/loadgen.c

Examples:
  contrib/bench/run.sh                                   # the full run: 2 rounds x 10 s, 16 and 64 connections
  contrib/bench/run.sh --duration 5 --rounds 2           # a quicker look
  contrib/bench/run.sh --only direct-unix,replayd-socket --conns 64 --rates ""
  REPLAYD_BIN=.build-rel/release/replayd REPLAYCTL_BIN=.build-rel/release/replayctl contrib/bench/run.sh

Output: the table on stdout; progress on stderr; raw.tsv, paced.tsv, starts.tsv, summary.md and the loadgen
output of every measurement in the results directory.
EOF
}

die() {
    echo "run.sh: $*" >&2
    exit 1
}
say() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a value}"; shift 2 ;;
    --conns) conns="${2:?--conns needs a value}"; shift 2 ;;
    --rates) rates="${2-}"; shift 2 ;;
    --paced-conns) paced_conns="${2:?--paced-conns needs a value}"; shift 2 ;;
    --bulk-lines) bulk_lines="${2:?--bulk-lines needs a value}"; shift 2 ;;
    --only) contenders="${2:?--only needs a value}"; shift 2 ;;
    --results) results="${2:?--results needs a value}"; shift 2 ;;
    --log-level) log_level="${2:?--log-level needs a value}"; shift 2 ;;
    --no-install) install=0; shift ;;
    --keep-work) keep_work=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
    esac
done

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"; }
positive --rounds "$rounds"
positive --duration "$duration"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup must be a whole number of seconds, got '$warmup'"
positive --paced-conns "$paced_conns"
positive --bulk-lines "$bulk_lines"
IFS=, read -r -a conn_levels <<<"$conns"
[ ${#conn_levels[@]} -gt 0 ] || die "--conns is empty"
for level in "${conn_levels[@]}"; do positive --conns "$level"; done
rate_levels=()
if [ -n "$rates" ]; then IFS=, read -r -a rate_levels <<<"$rates"; fi
for rate in "${rate_levels[@]}"; do positive --rates "$rate"; done
IFS=, read -r -a selected <<<"$contenders"
for contender in "${selected[@]}"; do
    [[ ",$contenders_all," == *",$contender,"* ]] || die "unknown contender '$contender' (one of $contenders_all)"
done
wants() { [[ ",$contenders," == *",$1,"* ]]; }

# --- what the run needs ------------------------------------------------------------------------------------------

need_packages=()
need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || need_packages+=("$2")
}
need nginx nginx-light
need webhook webhook
need wrk wrk
need cc gcc
need curl curl
[ -e /usr/include/openssl/hmac.h ] || need_packages+=(libssl-dev)
if [ ${#need_packages[@]} -gt 0 ]; then
    [ "$install" = 1 ] || die "missing: ${need_packages[*]} (run without --no-install, or apt-get install them)"
    say "installing ${need_packages[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_packages[@]}"
    # Debian starts the packaged nginx service on install; this bench never uses it and leaves it alone.
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx_bin" ] || die "nginx not found"

replayd_bin="${REPLAYD_BIN:-}"
replayctl_bin="${REPLAYCTL_BIN:-}"
if [ -z "$replayd_bin" ] || [ -z "$replayctl_bin" ]; then
    command -v swift >/dev/null 2>&1 || die "swift is not on PATH (or set REPLAYD_BIN and REPLAYCTL_BIN)"
    say "building replayd and replayctl in release (.build-rel)"
    (cd "$repo" && swift build -c release --scratch-path .build-rel --product replayd >&2 &&
        swift build -c release --scratch-path .build-rel --product replayctl >&2) ||
        die "swift build failed"
    replayd_bin="${replayd_bin:-$repo/.build-rel/release/replayd}"
    replayctl_bin="${replayctl_bin:-$repo/.build-rel/release/replayctl}"
fi
[ -x "$replayd_bin" ] || die "REPLAYD_BIN '$replayd_bin' is not an executable"
[ -x "$replayctl_bin" ] || die "REPLAYCTL_BIN '$replayctl_bin' is not an executable"

# --- work dir, results, cleanup ----------------------------------------------------------------------------------

work="$(mktemp -d /tmp/rbench.XXXXXX)" # short: Unix socket paths must stay under 108 bytes
chmod 700 "$work"
[ -n "$results" ] || results="$PWD/bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
results="$(cd "$results" && pwd)"

pids=() # every server this script started; killed on exit
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ]; then say "stopped with status $status; cleaning up"; fi
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$keep_work" = 1 ]; then say "work dir kept: $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

forget_pid() { # forget_pid PID: it was stopped by hand
    local kept=() pid
    for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    pids=("${kept[@]}")
}

stop_pid() { # stop_pid PID: TERM, wait up to 10 s, then KILL
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 1000; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

loadgen="${LOADGEN_BIN:-}"
if [ -z "$loadgen" ]; then
    loadgen="$work/loadgen"
    cc -O2 -Wall -Wextra -Werror -pthread -o "$loadgen" "$here/loadgen.c" -lcrypto || die "cannot compile loadgen.c"
fi

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# A TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range (so no outgoing connection of
# this very run can be holding it when the server binds).
ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
taken_ports=" "
free_port() { # sets picked_port
    local port span=$((ephemeral_low - 10000))
    [ "$span" -gt 1000 ] || die "the ephemeral port range starts too low ($ephemeral_low) to pick server ports under it"
    for _ in $(seq 1 500); do
        port=$((10000 + (RANDOM * 32768 + RANDOM) % span))
        [[ "$taken_ports" == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            taken_ports+="$port "
            picked_port="$port"
            return 0
        fi
    done
    die "no free TCP port found"
}

now() { echo "$EPOCHREALTIME"; }

# bounded COMMAND...: runs a load generator with a hang guard far beyond any measurement
# (in the background, so that Ctrl-C or a TERM is handled at once rather than when the command ends).
bounded() {
    timeout --kill-after=5 "$((duration * 5 + warmup * 5 + 120))" "$@" &
    local child=$! status=0
    pids+=("$child")
    wait "$child" || status=$?
    forget_pid "$child"
    return "$status"
}
clk_tck="$(getconf CLK_TCK)"

# The processes that make up a server: the root and its children (nginx workers; webhook's running curls). One awk
# over every /proc/PID/stat (cat skips the processes that end meanwhile); the fields after "comm) " are
# state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime.
proc_stats() { cat /proc/[0-9]*/stat 2>/dev/null || true; }

cpu_ticks() { # cpu_ticks ROOT: utime+stime+cutime+cstime of ROOT and its children, summed
    proc_stats | awk -v root="$1" '{ pid = $1; sub(/.*\) /, ""); split($0, f, " ")
        if (pid == root || f[2] == root) total += f[12] + f[13] + f[14] + f[15] } END { print total + 0 }'
}

memory_kib() { # memory_kib FIELD ROOT: VmHWM or VmRSS of ROOT and its children, summed (KiB)
    local field="$1" root="$2" pid
    for pid in $(proc_stats | awk -v root="$root" '{ pid = $1; sub(/.*\) /, ""); split($0, f, " ")
        if (pid == root || f[2] == root) print pid }'); do
        cat "/proc/$pid/status" 2>/dev/null
    done | awk -v f="$field:" '$1 == f { total += $2 } END { print total + 0 }'
}

wait_ready() { # wait_ready (--unix PATH | --tcp HOST:PORT) PATH WHAT: prints the wall-clock time of the first answer
    local how="$1" where="$2" path="$3" what="$4" answer
    answer="$("$loadgen" "$how" "$where" --until-ready 30 --path "$path")" || die "$what did not answer within 30 s"
    echo "${answer%% *}"
}

# --- the upstream: nginx as Strait -------------------------------------------------------------------------------

nginx_user_line=""
if [ "$(id -u)" -eq 0 ]; then nginx_user_line="user $(id -un) $(id -gn);"; fi

nginx_common() { # nginx_common DIR: the top of an nginx.conf that keeps every file under DIR
    local dir="$1"
    cat <<EOF
$nginx_user_line
daemon off;
master_process on;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
EOF
}

nginx_http_common() {
    local dir="$1"
    cat <<EOF
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    server_tokens off;
EOF
}

start_nginx() { # start_nginx DIR NAME: runs nginx -c DIR/nginx.conf in the foreground; sets nginx_pid
    local dir="$1" name="$2"
    "$nginx_bin" -t -q -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" ||
        die "$name: nginx rejected $dir/nginx.conf (see $dir/error.log)"
    "$nginx_bin" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" 2>"$dir/stderr.log" &
    nginx_pid=$!
    pids+=("$nginx_pid")
}

upstream_dir="$work/upstream"
mkdir -p "$upstream_dir"
free_port
upstream_port="$picked_port"
upstream_socket="$work/upstream.sock"
upstream_log="$upstream_dir/access.log"
canned_created_at="2026-12-01T00:00:00Z"
{
    nginx_common "$upstream_dir"
    cat <<EOF
http {
$(nginx_http_common "$upstream_dir")
    log_format bench '\$request_method \$uri \$http_x_request_id \$status';
    access_log $upstream_log bench;
    default_type application/json;
    server {
        listen 127.0.0.1:$upstream_port backlog=4096;
        listen unix:$upstream_socket backlog=4096;
        # Strait's replay answer (strait-upstream.md section 3): a new run, with the caller's X-Request-Id in
        # metadata._sentry_request_id (how replayd reconciles); nginx's \$request_id makes every run id unique.
        location ~ ^/v1/runs/[^/]+/replay\$ {
            if (\$request_method != POST) { return 405; }
            return 201 '{"id":"\$request_id","job_id":"job_bench","project_id":"proj_bench","status":"queued","attempt":1,"metadata":{"_sentry_actor_type":"api_key","_sentry_request_id":"\$http_x_request_id","_sentry_route":"POST /v1/runs/{runID}/replay"},"triggered_by":"manual","priority":0,"job_version":1,"debug_mode":false,"lineage_depth":0,"created_by":"apikey:bench","created_at":"$canned_created_at"}\n';
        }
        location ~ ^/v1/runs/[^/]+/checkpoints\$ { return 200 '{"data":[]}\n'; }
        # Reconciliation reads the original run, then lists runs by metadata (none: nothing was ambiguous).
        location ~ ^/v1/runs/[^/]+\$ {
            return 200 '{"id":"run_failed_1","job_id":"job_bench","project_id":"proj_bench","status":"failed","attempt":1,"triggered_by":"manual","priority":0,"job_version":1,"debug_mode":false,"lineage_depth":0,"created_at":"$canned_created_at"}\n';
        }
        location = /v1/runs { return 200 '{"data":[]}\n'; }
        location / { return 404 '{"error":{"code":"not_found","message":"not found"}}\n'; }
    }
}
EOF
} >"$upstream_dir/nginx.conf"
start_nginx "$upstream_dir" upstream
upstream_pid="$nginx_pid"
wait_ready --tcp "127.0.0.1:$upstream_port" /v1/runs/run_failed_1 "the upstream nginx" >/dev/null
say "upstream nginx on 127.0.0.1:$upstream_port and $upstream_socket (pid $upstream_pid)"

log_offset() { stat -c %s "$upstream_log"; }

# upstream_check OFFSET: "POSTS UNIQUE" among the replay POSTs logged since OFFSET (unique by X-Request-Id)
upstream_check() {
    tail -c +"$(($1 + 1))" "$upstream_log" | awk '
        $1 == "POST" && $2 ~ /\/replay$/ { posts++; if (!seen[$3]++) unique++ }
        END { printf "%d %d\n", posts, unique }'
}

# wait_upstream OFFSET EXPECTED: waits until EXPECTED replay POSTs are logged since OFFSET, or 30 s without progress.
# Prints the seconds it waited.
wait_upstream() {
    local offset="$1" expected="$2" started last=-1 still=0 posts
    started="$(now)"
    while :; do
        read -r posts _ <<<"$(upstream_check "$offset")"
        [ "$posts" -ge "$expected" ] && break
        if [ "$posts" = "$last" ]; then
            still=$((still + 1))
            [ "$still" -ge 300 ] && break
        else
            still=0
            last="$posts"
        fi
        sleep 0.1
    done
    awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'
}

# --- contenders ---------------------------------------------------------------------------------------------------

api_key="strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
webhook_secret_bytes="$(head -c 32 /dev/urandom | base64 -w0)"
standard_secret="whsec_$webhook_secret_bytes"
hub_secret="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

free_port
proxy_port="$picked_port"
start_proxy() {
    local dir="$work/proxy"
    rm -rf "$dir"
    mkdir -p "$dir"
    {
        nginx_common "$dir"
        cat <<EOF
http {
$(nginx_http_common "$dir")
    access_log off;
    upstream strait {
        server 127.0.0.1:$upstream_port;
        keepalive 256;
    }
    server {
        listen 127.0.0.1:$proxy_port backlog=4096;
        location / {
            proxy_pass http://strait;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_nginx "$dir" "nginx proxy"
    server_pid="$nginx_pid"
    wait_ready --tcp "127.0.0.1:$proxy_port" /v1/runs/run_failed_1 "the nginx proxy (see $dir/error.log)" >/dev/null
}

free_port
webhook_port="$picked_port"
start_webhook() {
    local dir="$work/webhook"
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    # What people build today: a trigger rule that checks the sender's HMAC, then runs a script that calls Strait.
    cat >"$dir/replay.sh" <<EOF
#!/bin/sh
# \$1: the run id, \$2: the delivery's key (sent as X-Request-Id, so the upstream log can tell deliveries apart)
exec curl -sS --fail-with-body --max-time 30 -X POST -H "Authorization: Bearer \$STRAIT_API_KEY" \\
    -H "X-Request-Id: \$2" "http://127.0.0.1:$upstream_port/v1/runs/\$1/replay"
EOF
    chmod 700 "$dir/replay.sh"
    (umask 077 && cat >"$dir/hooks.json" <<EOF
[
  {
    "id": "replay",
    "execute-command": "$dir/replay.sh",
    "command-working-directory": "$dir",
    "include-command-output-in-response": true,
    "include-command-output-in-response-on-error": true,
    "pass-arguments-to-command": [
      { "source": "payload", "name": "run_id" },
      { "source": "payload", "name": "key" }
    ],
    "trigger-rule": {
      "match": {
        "type": "payload-hmac-sha256",
        "secret": "$hub_secret",
        "parameter": { "source": "header", "name": "X-Hub-Signature-256" }
      }
    }
  }
]
EOF
    )
    STRAIT_API_KEY="$api_key" webhook -hooks "$dir/hooks.json" -ip 127.0.0.1 -port "$webhook_port" \
        -http-methods POST >"$dir/webhook.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    wait_ready --tcp "127.0.0.1:$webhook_port" /hooks/replay "adnanh/webhook (see $dir/webhook.log)" >/dev/null
}

replayd_socket="$work/replayd.sock"
free_port
replayd_hook_port="$picked_port"
replayd_starts=0
start_replayd() { # sets server_pid, ready_ms, idle_rss_kib
    replayd_starts=$((replayd_starts + 1))
    local dir="$work/replayd-$replayd_starts"
    mkdir -p "$dir/state"
    chmod 700 "$dir" "$dir/state" # replayd's file trust model: owned by us, nobody else may read or write
    rm -f "$replayd_socket"
    cat >"$dir/replayd.toml" <<EOF
[upstream]
base_url = "http://127.0.0.1:$upstream_port"
api_key_env = "STRAIT_API_KEY"
[socket]
path = "$replayd_socket"
max_connections = 4096
max_connections_per_uid = 4096
[state]
dir = "$dir/state"
[log]
level = "$log_level"
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
[webhooks]
listen = "127.0.0.1:$replayd_hook_port"
max_connections = 4096
max_connections_per_client = 4096
preauth_rate = 100000
preauth_burst = 1000000
timestamp_tolerance = "1h"
[[principals]]
name = "bench"
unix_uids = [$(id -u)]
[[grants]]
name = "bench"
to = ["bench"]
allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
[[sources]]
name = "bench"
kind = "standard_webhooks"
principal = "bench"
[[sources.keys]]
id = "bench"
secret_env = "BENCH_WEBHOOK_SECRET"
EOF
    local spawned ready
    spawned="$(now)"
    env -i PATH=/usr/bin:/bin HOME="$dir" STRAIT_API_KEY="$api_key" BENCH_WEBHOOK_SECRET="$standard_secret" \
        "$replayd_bin" serve --config "$dir/replayd.toml" >"$dir/stdout.log" 2>"$dir/replayd.log" &
    server_pid=$!
    pids+=("$server_pid")
    ready="$(wait_ready --unix "$replayd_socket" /v1/_ping "replayd (log: $dir/replayd.log)")"
    ready_ms="$(awk -v a="$spawned" -v b="$ready" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }')"
    sleep 0.5
    idle_rss_kib="$(memory_kib VmRSS "$server_pid")"
    printf '%s\t%s\t%s\n' "$replayd_starts" "$ready_ms" "$idle_rss_kib" >>"$results/starts.tsv"
}

# loadgen_args CONTENDER TAG: the target and request of CONTENDER; TAG makes keys unique across the whole run
loadgen_args() {
    local contender="$1" tag="$2"
    case "$contender" in
    direct-unix)
        args=(--unix "$upstream_socket" --method POST --path /v1/runs/run_failed_1/replay
            --header "X-Request-Id: $tag-{n}")
        ;;
    direct-tcp)
        args=(--tcp "127.0.0.1:$upstream_port" --method POST --path /v1/runs/run_failed_1/replay
            --header "X-Request-Id: $tag-{n}")
        ;;
    nginx-proxy)
        args=(--tcp "127.0.0.1:$proxy_port" --method POST --path /v1/runs/run_failed_1/replay
            --header "X-Request-Id: $tag-{n}")
        ;;
    webhook)
        args=(--tcp "127.0.0.1:$webhook_port" --method POST --path /hooks/replay
            --header "Content-Type: application/json"
            --body "{\"run_id\":\"run_failed_1\",\"key\":\"$tag-{n}\"}" --hub-signature-secret "$hub_secret")
        ;;
    replayd-socket)
        args=(--unix "$replayd_socket" --method POST --path "/v1/runs/run_failed_1/replay?force=true"
            --header "Idempotency-Key: $tag-{n}" --header "Accept: application/json")
        ;;
    replayd-webhook)
        # Every delivery unique (webhook-id), signed by loadgen itself right before it is sent (libcrypto HMAC).
        args=(--tcp "127.0.0.1:$replayd_hook_port" --method POST --path /hooks/bench
            --header "Content-Type: application/json" --body "{\"type\":\"run.failed\",\"run_id\":\"run_$tag-{n}\"}"
            --standard-webhooks-secret "$standard_secret" --webhook-id "msg_$tag-{n}")
        ;;
    *) die "no loadgen target for $contender" ;;
    esac
}

# The processes whose CPU and memory a contender's row reports.
start_contender() { # sets server_pid (and for replayd ready_ms, idle_rss_kib); "" when there is none to start
    server_pid=""
    ready_ms=""
    idle_rss_kib=""
    case "$1" in
    direct-unix | direct-tcp | wrk-direct-tcp) server_pid="$upstream_pid" ;;
    nginx-proxy) start_proxy ;;
    webhook) start_webhook ;;
    replayd-*) start_replayd ;;
    esac
}

stop_contender() {
    case "$1" in
    direct-unix | direct-tcp | wrk-direct-tcp) ;;
    *) stop_pid "$server_pid" ;;
    esac
}

printf 'round\tcontender\tconns\trequests\tnon_2xx\terrors\tresent\tfirst_non_2xx\tseconds\tper_second\tp50_ms\tp99_ms\tp999_ms\tmax_ms\tcpu_s\tpeak_rss_kib\tupstream_posts\tupstream_unique\treached\tdrain_s\tready_ms\tidle_rss_kib\n' >"$results/raw.tsv"
printf 'start\tready_ms\tidle_rss_kib\n' >"$results/starts.tsv"
printf 'round\trate\tpath\trequests\tnon_2xx\terrors\tp50_ms\tp99_ms\tp999_ms\tmax_ms\n' >"$results/paced.tsv"

# measure ROUND CONTENDER CONNS: one row of raw.tsv
measure() {
    local round="$1" contender="$2" level="$3" tag="r$1-$2-c$3"
    start_contender "$contender"
    local warm_offset
    warm_offset="$(log_offset)"
    if [ "$warmup" -gt 0 ] && [ "$contender" != replayd-bulk ] && [ "$contender" != wrk-direct-tcp ]; then
        loadgen_args "$contender" "$tag-warm"
        bounded "$loadgen" "${args[@]}" --connections "$level" --duration "$warmup" >"$results/$tag-warmup.json" ||
            die "$tag: warm-up failed: $(cat "$results/$tag-warmup.json")"
        if [ "$contender" = replayd-webhook ]; then # its replays finish in the background
            local warm_ok
            warm_ok="$(awk -F'[:,]' '{ for (i = 1; i < NF; i++) if ($i ~ /"requests"/) r = $(i + 1); else if ($i ~ /"non_2xx"/) n = $(i + 1) } END { print r - n }' "$results/$tag-warmup.json")"
            wait_upstream "$warm_offset" "$warm_ok" >/dev/null
        fi
    fi
    local offset cpu_before cpu_after line drain="" rss
    offset="$(log_offset)"
    cpu_before="$(cpu_ticks "$server_pid")"
    if [ "$contender" = replayd-bulk ]; then
        local file="$work/$tag.lines" out="$results/$tag-replayctl.jsonl" i
        for ((i = 0; i < bulk_lines; i++)); do echo "run_$tag-$i"; done >"$file"
        local t0 t1 children_before children_after
        children_before="$(children_cpu)"
        t0="$(now)"
        bounded "$replayctl_bin" replay --from-file "$file" --concurrency "$level" --socket "$replayd_socket" -o json \
            >"$out" 2>"$results/$tag-replayctl.err" || true
        t1="$(now)"
        children_after="$(children_cpu)"
        local created total
        total="$(grep -c '"line"' "$out" || true)"
        created="$(grep -c '"status":"created"' "$out" || true)"
        line="$(awk -v n="$total" -v ok="$created" -v a="$t0" -v b="$t1" -v c="$level" 'BEGIN {
            s = b - a; printf "%d\t%d\t%d\t0\t0\t0\t%.3f\t%.0f\t\t\t\t\n", n, c, n - ok, s, n / s }')"
        extra_cpu="$(awk -v a="$children_before" -v b="$children_after" 'BEGIN { printf "%.3f", b - a }')"
    elif [ "$contender" = wrk-direct-tcp ]; then
        # wrk needs at least one connection per thread; it reports completed requests only, so requests still in
        # flight when it stops reach the upstream uncounted (allowed for in the check below).
        local wrk_threads=2
        [ "$level" -ge 2 ] || wrk_threads=1
        BENCH_TAG="$tag" BENCH_CONNS="$level" bounded wrk -t "$wrk_threads" -c "$level" -d "${duration}s" \
            -s "$here/wrk-replay.lua" "http://127.0.0.1:$upstream_port/" >"$results/$tag.wrk" 2>&1 ||
            die "$tag: wrk failed: $(cat "$results/$tag.wrk")"
        line="$(tail -n 1 "$results/$tag.wrk")"
        extra_cpu=0
    else
        loadgen_args "$contender" "$tag"
        bounded "$loadgen" "${args[@]}" --connections "$level" --duration "$duration" --format tsv \
            >"$results/$tag.tsv" || say "$tag: some requests got no answer (see $results/$tag.tsv)"
        line="$(tail -n 1 "$results/$tag.tsv")"
        extra_cpu=0
    fi
    local requests non2xx errors
    IFS=$'\t' read -r requests _ non2xx errors _ <<<"$line"
    local ok=$((requests - non2xx - errors))
    if [ "$contender" = replayd-webhook ]; then drain="$(wait_upstream "$offset" "$ok")"; fi
    cpu_after="$(cpu_ticks "$server_pid")"
    rss="$(memory_kib VmHWM "$server_pid")"
    local posts unique reached
    read -r posts unique <<<"$(upstream_check "$offset")"
    if [ "$unique" -eq "$posts" ] && { [ "$posts" -eq "$ok" ] ||
        { [ "$contender" = wrk-direct-tcp ] && [ "$posts" -ge "$ok" ] && [ "$posts" -le $((ok + level)) ]; }; }; then
        reached=yes
    else
        reached="no:$posts/$ok"
    fi
    local cpu_s
    cpu_s="$(awk -v a="$cpu_before" -v b="$cpu_after" -v t="$clk_tck" -v x="$extra_cpu" 'BEGIN { printf "%.3f", (b - a) / t + x }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$contender" "$level" \
        "$(cut -f1,3- <<<"$line")" "$cpu_s" "$rss" "$posts" "$unique" "$reached" "$drain" "$ready_ms" \
        "$idle_rss_kib" >>"$results/raw.tsv"
    say "$tag: $(awk -F'\t' '{ printf "%s req, %s/s, p50 %s ms, p99 %s ms, non-2xx %s", $1, $7, $8, $9, $2 }' <<<"$(cut -f1,3- <<<"$line")"), cpu ${cpu_s}s, reached $reached${drain:+, drained in ${drain}s}"
    stop_contender "$contender"
}

# children_cpu: user+system seconds of this shell's waited-for children so far (for replayctl). `times` runs in this
# shell (a command substitution would fork and see a fresh process's zeros), so it writes to a file.
children_cpu() {
    local user system
    times >"$work/times"
    read -r user system <<<"$(tail -n 1 "$work/times")"
    awk -v u="$user" -v s="$system" 'function secs(t,  m) { m = t; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", t); sub(/s$/, "", t); return m * 60 + t }
        BEGIN { printf "%.3f\n", secs(u) + secs(s) }'
}

# paced ROUND RATE CONTENDER: one open-loop run at RATE/s
paced() {
    local round="$1" rate="$2" contender="$3" tag="r$1-paced$2-$3"
    start_contender "$contender"
    loadgen_args "$contender" "$tag-warm"
    if [ "$warmup" -gt 0 ]; then
        bounded "$loadgen" "${args[@]}" --connections "$paced_conns" --rate "$rate" --duration "$warmup" >/dev/null || true
    fi
    loadgen_args "$contender" "$tag"
    bounded "$loadgen" "${args[@]}" --connections "$paced_conns" --rate "$rate" --duration "$duration" --format tsv \
        >"$results/$tag.tsv" || say "$tag: some requests got no answer"
    local line
    line="$(tail -n 1 "$results/$tag.tsv")"
    awk -F'\t' -v OFS='\t' -v r="$round" -v rate="$rate" -v c="$contender" \
        '{ print r, rate, c, $1, $3, $4, $9, $10, $11, $12 }' <<<"$line" >>"$results/paced.tsv"
    say "$tag: $(awk -F'\t' '{ printf "p50 %s ms, p99 %s ms, p99.9 %s ms, non-2xx %s", $9, $10, $11, $3 }' <<<"$line")"
    stop_contender "$contender"
}

# --- the run ------------------------------------------------------------------------------------------------------

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "command: contrib/bench/run.sh --rounds $rounds --duration $duration --warmup $warmup --conns $conns --rates '$rates' --paced-conns $paced_conns --bulk-lines $bulk_lines --only $contenders"
    echo "nproc: $(nproc)"
    echo "kernel: $(uname -srm)"
    lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)' || true
    echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/.*: //')"
    echo "webhook: $(webhook -version 2>&1 | head -n 1)"
    echo "curl: $(curl --version | head -n 1 | cut -d' ' -f1-2)"
    echo "replayd: $("$replayd_bin" --version 2>/dev/null | head -n 1) ($replayd_bin, built $(date -u -r "$replayd_bin" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$replayd_bin" | cut -c1-12))"
    echo "git: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$results/machine.txt"

say "results in $results"
for ((round = 1; round <= rounds; round++)); do
    for level in "${conn_levels[@]}"; do
        for contender in "${selected[@]}"; do
            measure "$round" "$contender" "$level"
        done
    done
    for rate in "${rate_levels[@]}"; do
        wants direct-tcp && paced "$round" "$rate" direct-tcp
        wants replayd-socket && paced "$round" "$rate" replayd-socket
    done
done
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/machine.txt"

# --- the table ----------------------------------------------------------------------------------------------------

bash "$here/summarize.sh" "$results" | tee "$results/summary.md"
