#!/usr/bin/env bash
# contrib/bench/summarize.sh RESULTS_DIR: the Markdown tables of a contrib/bench/run.sh run, from its raw.tsv,
# paced.tsv, starts.tsv and machine.txt (run.sh calls it at the end; run it again on an old results directory).
set -euo pipefail

dir="${1:?usage: summarize.sh RESULTS_DIR}"
[ -f "$dir/raw.tsv" ] || { echo "summarize.sh: no raw.tsv in $dir" >&2; exit 1; }

echo "### Side by side"
echo
awk -F'\t' '
function label(c) {
    if (c == "direct-unix") return "upstream nginx direct, Unix socket (the load generator'"'"'s ceiling)"
    if (c == "direct-tcp") return "upstream nginx direct, TCP"
    if (c == "wrk-direct-tcp") return "upstream nginx direct, TCP, driven by wrk (cross-check)"
    if (c == "nginx-proxy") return "nginx reverse proxy"
    if (c == "webhook") return "adnanh/webhook + HMAC rule + `curl`"
    if (c == "replayd-socket") return "replayd socket door"
    if (c == "replayd-webhook") return "replayd webhook door (Standard Webhooks v1)"
    if (c == "replayd-bulk") return "replayd bulk (`replayctl replay --from-file`)"
    return c
}
function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    if (n == 0 || list == "") return ""
    for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function fmt(x, digits) { return x == "" ? "–" : sprintf("%." digits "f", x) }
function thousands(x,   s, out) {
    s = sprintf("%.0f", x); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
}
function ratio(a, b,   r) {
    if (b == "" || b + 0 == 0) return "–"
    r = a / b
    return r >= 10 ? sprintf("%.0f×", r) : r >= 1 ? sprintf("%.2f×", r) : sprintf("%.2g×", r)
}
NR == 1 { next }
{
    key = $2 SUBSEP $3
    if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
    rps[key] = rps[key] " " $10; rounds[key] = rounds[key] (rounds[key] == "" ? "" : ", ") thousands($10)
    if ($11 != "") { p50[key] = p50[key] " " $11; p99[key] = p99[key] " " $12; p999[key] = p999[key] " " $13 }
    requests[key] += $4; bad[key] += $5 + $6; cpu[key] += $15
    if ($16 / 1024 > rss[key]) rss[key] = $16 / 1024
    posts[key] += $17; ok[key] += $4 - $5 - $6
    if ($2 == "replayd-bulk") { bulk[key] = bulk[key] " " $9; lines[key] = $4 }
    if ($19 != "yes") missed[key] = 1
    if ($20 != "") drain[key] = drain[key] " " $20
}
END {
    print "| contender | conns | req/s (median) | req/s per round | p50 ms | p99 ms | p99.9 ms | CPU s per 1,000 | peak RSS MiB | non-2xx | every request reached the upstream | vs nginx proxy | vs adnanh/webhook |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= rows; i++) {
        key = order[i]; split(key, part, SUBSEP); c = part[1]; conns = part[2]
        m = median(rps[key])
        proxy = (("nginx-proxy" SUBSEP conns) in rps) ? median(rps["nginx-proxy" SUBSEP conns]) : ""
        hook = (("webhook" SUBSEP conns) in rps) ? median(rps["webhook" SUBSEP conns]) : ""
        reached = missed[key] ? sprintf("**no**: %d of %d", posts[key], ok[key]) : sprintf("yes (%s)", thousands(posts[key]))
        if (drain[key] != "") reached = reached sprintf(", %.1f s after the last ack", median(drain[key]))
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n", label(c), conns, thousands(m), \
            rounds[key], fmt(median(p50[key]), 2), fmt(median(p99[key]), 2), fmt(median(p999[key]), 2), \
            requests[key] ? sprintf("%.3f", cpu[key] / requests[key] * 1000) : "–", fmt(rss[key], 1), bad[key], \
            reached, c == "nginx-proxy" ? "1×" : ratio(m, proxy), c == "webhook" ? "1×" : ratio(m, hook)
    }
    first = 1
    for (i = 1; i <= rows; i++) {
        key = order[i]; if (!(key in bulk)) continue
        split(key, part, SUBSEP)
        if (first) { print ""; first = 0 }
        printf "- Bulk: `replayctl replay --from-file` of %s lines at `--concurrency %s` took %.2f s (median over the rounds).\n", \
            thousands(lines[key]), part[2], median(bulk[key])
    }
}' "$dir/raw.tsv"

cat <<'EOF'

- req/s: answered requests per second, closed loop (each connection sends its next request when the answer comes),
  medians over the rounds. Latency is per request, from send to the whole answer. For replayd's webhook door the
  answer is the 202 acknowledgement, given once the delivery is durable; its replays reach the upstream after it
  (the last column says how long after the last ack the last one arrived). For bulk, req/s is lines per second of
  one `replayctl` run over the whole file, and CPU includes replayctl's own.
- CPU s per 1,000: user + system time of the contender's processes (`/proc/PID/stat`: nginx master and workers,
  webhook and its exited `curl` children, replayd) per 1,000 answered requests. The direct rows count the upstream
  nginx itself; the others do not count it.
- peak RSS: `VmHWM` of the contender's processes, summed (webhook: the Go process only; each `curl` is short-lived).
- every request reached the upstream: the upstream nginx logged one replay POST per answered request, each with a
  distinct `X-Request-Id`, and nothing more.
EOF

if [ -s "$dir/paced.tsv" ] && [ "$(wc -l <"$dir/paced.tsv")" -gt 1 ]; then
    echo
    echo "### Latency replayd adds at a steady rate (open loop)"
    echo
    awk -F'\t' '
    function median(list,   n, v, i, j, t) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    {
        key = $2 SUBSEP $3
        if (!($2 in rates)) { rates[$2] = 1; order[++n] = $2 }
        p50[key] = p50[key] " " $7; p99[key] = p99[key] " " $8; p999[key] = p999[key] " " $9; bad[key] += $5 + $6
        sent[key] += $4
    }
    END {
        print "| rate /s | direct p50 / p99 / p99.9 ms | socket door p50 / p99 / p99.9 ms | added p50 ms | added p99 ms | added p99.9 ms | non-2xx (door) |"
        print "|---|---|---|---|---|---|---|"
        for (i = 1; i <= n; i++) {
            r = order[i]; d = r SUBSEP "direct-tcp"; s = r SUBSEP "replayd-socket"
            if (!(d in p50) || !(s in p50)) continue
            printf "| %s | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %.2f | %.2f | %.2f | %d of %d |\n", r, \
                median(p50[d]), median(p99[d]), median(p999[d]), median(p50[s]), median(p99[s]), median(p999[s]), \
                median(p50[s]) - median(p50[d]), median(p99[s]) - median(p99[d]), median(p999[s]) - median(p999[d]), \
                bad[s], sent[s]
        }
    }' "$dir/paced.tsv"
    echo
    echo "Latency counts from when each request was due (open loop), so a server that falls behind the rate shows it."
fi

if [ -s "$dir/starts.tsv" ] && [ "$(wc -l <"$dir/starts.tsv")" -gt 1 ]; then
    echo
    echo "### replayd at rest"
    echo
    awk -F'\t' '
    function median(list,   n, v, i, j, t) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    { ready = ready " " $2; rss = rss " " $3; if ($2 + 0 > max || NR == 2) max = $2 + 0; if (NR == 2 || $2 + 0 < min) min = $2 + 0; n++ }
    END {
        print "| starts | start to ready ms (median, min–max) | RSS idle MiB (median) |"
        print "|---|---|---|"
        printf "| %d | %.1f (%.1f–%.1f) | %.1f |\n", n, median(ready), min, max, median(rss) / 1024
    }' "$dir/starts.tsv"
    echo
    echo "Start to ready: from spawning \`replayd serve\` (fresh state directory) to the first answer to \`GET /v1/_ping\`"
    echo "on its socket (polled every millisecond). RSS idle: \`VmRSS\` half a second after that, before any load."
fi

if [ -f "$dir/machine.txt" ]; then
    echo
    echo "Machine and run:"
    echo
    echo '```'
    cat "$dir/machine.txt"
    echo '```'
fi
