#!/usr/bin/env bash
# Makes sure this machine can run every test: installs what it lacks (Chromium, Node.js and
# PostgreSQL) with apt-get when it can, starts PostgreSQL on 127.0.0.1:5432 if it is
# not running, and creates the `test` database the storage tests use. Where it cannot (not root,
# no apt-get), it says what is missing and how to provide it, and fails.
set -euo pipefail

# Debian packages the tests need, by the command that shows each is there.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [[ -z "${PATHWAY_TEST_POSTGRES_URL:-}" ]]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
  command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
fi
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "The tests need these Debian packages, which are not installed: ${missing[*]}" >&2
    echo "Install them (sudo apt-get install ${missing[*]}), or on another system their equivalents," >&2
    echo "then run this command again." >&2
    exit 1
  fi
fi

# A PostgreSQL given by URL is the caller's to run.
if [[ -n "${PATHWAY_TEST_POSTGRES_URL:-}" ]]; then
  exit 0
fi

# PostgreSQL on 127.0.0.1:5432: start the newest cluster there is, or create one.
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "PostgreSQL is not accepting connections on 127.0.0.1:5432. Start it (as root:" >&2
    echo "pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start), or set" >&2
    echo "PATHWAY_TEST_POSTGRES_URL to a database the tests may use, then run this command again." >&2
    exit 1
  fi
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [[ -z "$version" ]]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    pg_createcluster "$version" main --port 5432
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

# The tests connect as postgres without a password to the database `test`. A machine set up
# for them already allows that; a stock install needs local trust and the database.
psql_test() { psql -h 127.0.0.1 -U postgres -d "$1" -Atc "$2"; }
if ! psql_test postgres 'SELECT 1' >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "The tests connect to PostgreSQL on 127.0.0.1:5432 as postgres without a password, and" >&2
    echo "this server refuses that. Allow it (a 'host all all 127.0.0.1/32 trust' line in" >&2
    echo "pg_hba.conf), or set PATHWAY_TEST_POSTGRES_URL, then run this command again." >&2
    exit 1
  fi
  echo "== allowing passwordless connections from 127.0.0.1 (test machines only)"
  hba="$(su postgres -c "psql -Atc 'SHOW hba_file'")"
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  su postgres -c "psql -Atc 'SELECT pg_reload_conf()'" >/dev/null
fi
if [[ "$(psql_test postgres "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]]; then
  psql_test postgres 'CREATE DATABASE test' >/dev/null
fi
