#!/usr/bin/env bash
# CI: `systemd-analyze verify` on contrib/systemd/*, without booting systemd. The units name the installed binary
# (/usr/local/bin/replayd), which a CI machine does not have, so they are checked from a copy that points at a
# stand-in executable; everything else is verified as shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/units"
printf '#!/bin/sh\nexit 0\n' >"$work/bin/replayd"
chmod 0755 "$work/bin/replayd"
for unit in contrib/systemd/*; do
    sed "s|/usr/local/bin/replayd|$work/bin/replayd|g" "$unit" >"$work/units/$(basename "$unit")"
done
# verify prints warnings on stderr and exits non-zero on errors; treat any output as a failure too.
output="$(cd "$work/units" && systemd-analyze verify --man=no ./* 2>&1)" || { echo "$output"; exit 1; }
if [ -n "$output" ]; then
    echo "$output"
    exit 1
fi
echo "systemd-analyze verify: $(ls contrib/systemd | tr '\n' ' ')ok"
