#!/usr/bin/env bash
# Installs what the tests need beyond npm packages, from Debian's packages (run as root, idempotent):
# Chromium for the browser tests, and a PostgreSQL server with pgvector for the PostgreSQL run of the
# suite, with a test role that may create databases (PAPERBOY_TEST_DATABASE_URL, see .ci/run).
# Set PAPERBOY_NO_POSTGRES=1 to skip PostgreSQL (the suite then runs on SQLite only).
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

if [ "${PAPERBOY_NO_POSTGRES:-}" != "1" ]; then
  if ! command -v pg_lsclusters >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  # A cluster that exists but is stopped (or was stopped by a package upgrade) is started.
  pg_lsclusters -h | while read -r ver cluster _port status _rest; do
    [ "$status" = online ] || pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start
  done
  bash "$(dirname "$0")/install-pgvector.sh"
  # The tests create and drop one database per test, and install pgvector in each: a superuser role
  # for tests only, reachable over TCP with a password (works with trust and scram-sha-256 alike).
  as_postgres() { if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -c "$*"; fi; }
  as_postgres psql -qAt -h /var/run/postgresql -c "do \$\$ begin
      if not exists (select 1 from pg_roles where rolname = 'paperboy_test') then
        create role paperboy_test login superuser password 'paperboy_test';
      end if;
    end \$\$;" >/dev/null
fi
echo "test dependencies installed"
