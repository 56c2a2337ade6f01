#!/usr/bin/env bash
# Installs the system packages replayd needs on Debian/Ubuntu, and nothing that is already there.
# libcurl4-openssl-dev + pkg-config: the CCurl target (libcurl with OpenSSL, found through pkg-config).
# libsqlite3-dev: GRDB's system SQLite (durable replay state).
# openssl: the webhook tests sign deliveries with an independent tool (HMAC, Ed25519 keys).
# curl: the end-to-end tests talk to the socket with `curl --unix-socket`, as an operator would.
# systemd: only `systemd-analyze verify` for contrib/systemd in CI (never booted).
# python3-prometheus-client: the metrics test parses /metrics with an independent Prometheus text parser.
# python3-pip + http-sfv (PyPI): the rate-limit test parses RateLimit fields with an independent RFC 9651 parser.
# postgresql: the PostgreSQL state backend's tests start a throwaway cluster (initdb, pg_ctl) of their own.
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev pkg-config curl ca-certificates openssl systemd python3-prometheus-client
    python3-pip postgresql)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "replayd: installing ${missing[*]}" >&2
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! /usr/bin/python3 -c "import http_sfv" 2>/dev/null; then
    echo "replayd: installing http-sfv (pip)" >&2
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" /usr/bin/python3 -m pip install --quiet --break-system-packages "http-sfv==0.9.9"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "replayd: swift is not on PATH; install Swift 6.2 or later (https://www.swift.org/install/)" >&2
    exit 1
fi
