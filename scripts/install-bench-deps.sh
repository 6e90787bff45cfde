#!/usr/bin/env bash
# Installs what the benchmarks need beyond npm packages and the test dependencies, from Debian's
# packages (run as root, idempotent): wrk, the load generator of the PostgreSQL benchmark's web part
# (C and epoll: a few percent of a core where autocannon, in JavaScript, took more than one of two).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v wrk >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
fi
echo "benchmark dependencies installed"
