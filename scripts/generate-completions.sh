#!/usr/bin/env bash
# Writes the shell completions for replayd and replayctl into contrib/completions/, generated from the
# swift-argument-parser definitions by the built binaries. With --check (CI), fails if the committed files differ
# from what the current definitions generate.
# Usage: scripts/generate-completions.sh [--check] [BIN_DIR]   (BIN_DIR defaults to .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
check=no
if [ "${1:-}" = "--check" ]; then check=yes; shift; fi
bin="${1:-.build/debug}"
out=contrib/completions
if [ "$check" = yes ]; then out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; fi
mkdir -p "$out"
for tool in replayd replayctl; do
    "$bin/$tool" --generate-completion-script bash >"$out/$tool.bash"
    "$bin/$tool" --generate-completion-script zsh >"$out/_$tool"
    "$bin/$tool" --generate-completion-script fish >"$out/$tool.fish"
done
if [ "$check" = yes ]; then
    if ! diff -ru contrib/completions "$out"; then
        echo "contrib/completions is out of date: run scripts/generate-completions.sh and commit the result" >&2
        exit 1
    fi
    echo "contrib/completions: current"
fi
