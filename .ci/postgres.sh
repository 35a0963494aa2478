#!/usr/bin/env bash
# Prepares the local PostgreSQL 15 cluster for the test suite: starts it, builds pgvector from
# Debian trixie's source package when the extension is missing (bookworm ships no pgvector for 15),
# and creates the test role and database, and a one-connection role for the 'too many connections'
# test. Idempotent: every step checks before it acts.
set -euo pipefail

PG_VERSION=15
TEST_ROLE=${TEST_ROLE:-triage_test}
TEST_DB=${TEST_DB:-triage_test}
# A role allowed one connection, so a test can provoke "too many connections" (53300) without
# touching the limits every other test shares; it needs no privileges beyond logging in.
LIMITED_ROLE=${LIMITED_ROLE:-triage_limited}
psql_admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

start_cluster() {
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    echo "postgres: starting cluster $PG_VERSION/main"
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && return 0; sleep 1; done
  echo "postgres: cluster did not become ready" >&2; exit 1
}

vector_available() {
  [ -f "/usr/share/postgresql/$PG_VERSION/extension/vector.control" ]
}

build_pgvector() {
  echo "postgres: building pgvector from Debian trixie's source package"
  export DEBIAN_FRONTEND=noninteractive
  dpkg -s "postgresql-server-dev-$PG_VERSION" >/dev/null 2>&1 || {
    apt-get update -qq; apt-get install -y -qq "postgresql-server-dev-$PG_VERSION" make gcc >/dev/null; }
  local work; work=$(mktemp -d)
  local uris signed
  uris=$(awk -F': ' '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  signed=$(awk -F': ' '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  mkdir -p "$work/lists/partial"
  cat > "$work/trixie-src.sources" <<SRC
Types: deb-src
URIs: $uris
Suites: trixie
Components: main
Signed-By: $signed
SRC
  local opts=(-o "Dir::Etc::sourcelist=$work/trixie-src.sources" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
  apt-get "${opts[@]}" update -qq
  (cd "$work" && apt-get "${opts[@]}" source --download-only pgvector >/dev/null)
  tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work"
  local src; src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)
  make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$PG_VERSION/bin/pg_config" >/dev/null
  make -s -C "$src" PG_CONFIG="/usr/lib/postgresql/$PG_VERSION/bin/pg_config" install >/dev/null
  rm -rf "$work"
}

create_test_database() {
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$TEST_ROLE'")" != 1 ]; then
    psql_admin -c "create role $TEST_ROLE login password '$TEST_ROLE'"
  fi
  if [ "$(psql_admin -c "select 1 from pg_database where datname='$TEST_DB'")" != 1 ]; then
    psql_admin -c "create database $TEST_DB owner $TEST_ROLE"
  fi
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$LIMITED_ROLE'")" != 1 ]; then
    psql_admin -c "create role $LIMITED_ROLE login password '$LIMITED_ROLE' connection limit 1"
  fi
  # The extension needs a superuser to create; later migrations find it already there.
  psql_admin -d "$TEST_DB" -c "create extension if not exists vector"
}

start_cluster
vector_available || build_pgvector
vector_available || { echo "postgres: pgvector is still missing after the build" >&2; exit 1; }
create_test_database
echo "postgres: ready (pgvector $(psql_admin -d "$TEST_DB" -c "select extversion from pg_extension where extname='vector'"))"
