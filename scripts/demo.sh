#!/usr/bin/env bash
# The Quickstart demo: installs what is missing, builds, starts the bundled Strait simulator and replayd with the
# demo config, replays one failed run through the Unix socket with replayctl, prints it, and stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
echo "==> building (first build takes a few minutes)" >&2
swift build --product replayd >&2
swift build --product replayctl >&2
bin="$(swift build --show-bin-path)"

demo_dir=/tmp/replayd-demo
mkdir -p "$demo_dir"
# It holds the socket, so replayd's trust model wants it owned by us and writable by no one else, whatever the umask.
chmod 0750 "$demo_dir"
# The demo config maps uid 0; map whoever runs the demo too.
if [ "$(id -u)" -eq 0 ]; then
    cp Config/demo.toml "$demo_dir/demo.toml"
else
    sed "s/^unix_uids = \[0\]/unix_uids = [0, $(id -u)]/" Config/demo.toml > "$demo_dir/demo.toml"
fi
# The simulator's demo key (a fake key that exists only in Config/strait-fixtures.json).
export STRAIT_API_KEY=strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# The demo GitHub webhook's signing secret (Config/demo.toml, source "github").
export DEMO_GITHUB_SECRET=demo-github-webhook-secret

cleanup() {
    [ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null || true
    [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

echo "==> starting the Strait simulator on 127.0.0.1:18080" >&2
"$bin/replayd" simulate --listen 127.0.0.1:18080 --fixtures Config/strait-fixtures.json \
    >"$demo_dir/simulator.log" 2>&1 &
sim_pid=$!
echo "==> starting replayd (socket $demo_dir/replayd.sock, log $demo_dir/replayd.log)" >&2
"$bin/replayd" serve --config "$demo_dir/demo.toml" >"$demo_dir/replayd.log" 2>&1 &
daemon_pid=$!

export REPLAYD_SOCKET="$demo_dir/replayd.sock"
for _ in $(seq 1 200); do
    if "$bin/replayctl" ping >/dev/null 2>&1; then break; fi
    if ! kill -0 "$daemon_pid" 2>/dev/null; then cat "$demo_dir/replayd.log" >&2; exit 1; fi
    sleep 0.05
done

echo "==> replayctl replay run_failed_1" >&2
"$bin/replayctl" replay run_failed_1 -o table
echo >&2
echo "==> again, as JSON (what scripts get when stdout is not a terminal): a second replay of the same run" >&2
echo "    within [replays] coalesce_window returns the first replay's run (Replayd-Coalesced)" >&2
"$bin/replayctl" replay run_failed_1 -o json
echo >&2
echo "==> a run that cannot be replayed (exit code 7)" >&2
"$bin/replayctl" replay run_completed_1 -o table || echo "exit code: $?" >&2
echo >&2
"$bin/replayctl" status -o table
echo >&2
echo "==> a GitHub comment \"/replay run_failed_2\" by octocat, signed with openssl, to the webhook door" >&2
comment='{"action":"created","comment":{"id":1,"body":"CI flaked again\n/replay run_failed_2","user":{"login":"octocat"}},"issue":{"number":7},"repository":{"full_name":"acme/jobs"},"sender":{"login":"octocat"}}'
signature="sha256=$(printf '%s' "$comment" | openssl dgst -sha256 -hmac "$DEMO_GITHUB_SECRET" -r | cut -d' ' -f1)"
curl -sS -X POST http://127.0.0.1:18787/hooks/github -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: issue_comment' -H 'X-GitHub-Hook-ID: 1' -H "X-GitHub-Delivery: demo-$(date +%s%N)" \
    -H "X-Hub-Signature-256: $signature" --data-binary "$comment"
echo >&2
echo "==> the same comment with one byte changed after signing: refused (401) and audited" >&2
curl -sS -X POST http://127.0.0.1:18787/hooks/github -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: issue_comment' -H 'X-GitHub-Hook-ID: 1' -H 'X-GitHub-Delivery: demo-tampered' \
    -H "X-Hub-Signature-256: $signature" --data-binary "${comment/run_failed_2/run_failed_1}"
echo >&2
echo "==> the audit trail of all that (replayd audit tail), then an offline check of the whole log" >&2
"$bin/replayd" audit tail --config "$demo_dir/demo.toml" -o table
"$bin/replayd" audit verify --config "$demo_dir/demo.toml"
