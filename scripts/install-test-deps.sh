#!/usr/bin/env bash
# Installs what the tests need beyond npm packages, from Debian's packages (run as root, idempotent):
# Chromium for the browser tests, and pgvector for the local PostgreSQL server when there is one.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# Feed validation uses an independent parser (Python's feedparser).
if ! python3 -c 'import feedparser' 2>/dev/null && [ -x /usr/bin/python3 ]; then
  apt-get install -y -qq python3-feedparser >/dev/null || true
fi
shared_pgvector="$(dirname "$0")/../../shared/scripts/install-pgvector.sh"
if command -v pg_lsclusters >/dev/null && [ -f "$shared_pgvector" ]; then
  bash "$shared_pgvector"
fi
echo "test dependencies installed"
