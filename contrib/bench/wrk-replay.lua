-- wrk script for contrib/bench/run.sh: POST /v1/runs/run_failed_1/replay with a unique X-Request-Id per request
-- (BENCH_TAG-<thread>-<counter>), and one tab-separated line at the end in loadgen's --format tsv order:
-- requests, connections, non_2xx, errors, resent, first_non_2xx, seconds, per_second, p50_ms, p99_ms, p999_ms, max_ms
local tag = os.getenv("BENCH_TAG") or "wrk"
local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("id", next_id)
    table.insert(threads, thread)
end

local counter = 0
function request()
    counter = counter + 1
    return wrk.format("POST", "/v1/runs/run_failed_1/replay", { ["X-Request-Id"] = tag .. "-" .. id .. "-" .. counter }, "")
end

function done(summary, latency, requests)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format("%d\t%d\t%d\t%d\t0\t0\t%.3f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\n", summary.requests,
        tonumber(os.getenv("BENCH_CONNS") or 0), e.status, e.connect + e.read + e.write + e.timeout, seconds,
        summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency:percentile(99.9) / 1000, latency.max / 1000))
end
