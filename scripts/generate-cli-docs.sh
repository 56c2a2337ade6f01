#!/usr/bin/env bash
# Writes what is generated from the swift-argument-parser definitions of replayd and replayctl:
#   contrib/completions/  bash, zsh and fish completions
#   contrib/man/          man pages (replayd.1, replayctl.1), by the argument parser's generate-manual tool
#   contrib/man/help.sha256  the digest of each tool's --experimental-dump-help, which the man pages are made from
# With --check (CI), fails when the committed files differ from what the current definitions generate (the man
# pages are checked through their digest, so CI does not need to build the generate-manual tool).
# Usage: scripts/generate-cli-docs.sh [--check] [BIN_DIR]   (BIN_DIR defaults to .build/debug)
# Generating the man pages needs the tool: `swift package --disable-sandbox generate-manual` builds it once (its
# binary is then found under .build), or set GENERATE_MANUAL=/path/to/generate-manual-tool.
set -euo pipefail
cd "$(dirname "$0")/.."
check=no
if [ "${1:-}" = "--check" ]; then check=yes; shift; fi
bin="${1:-.build/debug}"
out=contrib
if [ "$check" = yes ]; then out="$(mktemp -d)"; fi
mkdir -p "$out/completions" "$out/man"
# The digests are written last (to a temporary file until then), so that they never claim man pages that were
# not generated.
digests="$(mktemp)"
trap 'rm -f "$digests"; [ "$check" = yes ] && rm -rf "$out"' EXIT
for tool in replayd replayctl; do
    "$bin/$tool" --generate-completion-script bash >"$out/completions/$tool.bash"
    "$bin/$tool" --generate-completion-script zsh >"$out/completions/_$tool"
    "$bin/$tool" --generate-completion-script fish >"$out/completions/$tool.fish"
    echo "$("$bin/$tool" --experimental-dump-help | sha256sum | cut -d' ' -f1)  $tool" >>"$digests"
done
if [ "$check" = yes ]; then
    status=0
    diff -ru contrib/completions "$out/completions" || status=1
    diff -u contrib/man/help.sha256 "$digests" || status=1
    if [ "$status" -ne 0 ]; then
        echo "contrib/completions or contrib/man is out of date: run scripts/generate-cli-docs.sh and commit" >&2
        exit 1
    fi
    echo "contrib/completions and contrib/man: current"
    exit 0
fi
tool="${GENERATE_MANUAL:-$(find .build -name generate-manual-tool -type f -perm -u+x 2>/dev/null | head -1)}"
if [ -z "$tool" ]; then
    echo "no generate-manual tool: run 'swift package --disable-sandbox generate-manual' once, or set GENERATE_MANUAL" >&2
    exit 1
fi
for name in replayd replayctl; do
    "$tool" "$bin/$name" --date "${MANUAL_DATE:-2026-12-01}" --output-directory contrib/man
done
cp "$digests" contrib/man/help.sha256
