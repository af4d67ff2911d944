#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and prints its URL:
#   FLOWD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/flowd_test
# (or writes that line to the file named by $1). The server listens on 127.0.0.1 and a free
# port, keeps its data in $FLOWD_PG_DIR (default /tmp/flowd-pg), runs with fsync=off and trust
# authentication, and runs as the `postgres` system user when started by root (PostgreSQL
# refuses to run as root). Running it again while the server is up prints the same URL.
# scripts/stop-postgres.sh stops it and removes the directory. Fails loudly (non-zero exit)
# when the server cannot be started: tests that need it must fail, not skip.
set -euo pipefail

PG_DIR="${FLOWD_PG_DIR:-/tmp/flowd-pg}"
PG_BIN="${FLOWD_PG_BIN:-/usr/lib/postgresql/15/bin}"
OUT="${1:-}"

die() {
  echo "start-postgres: $*" >&2
  exit 1
}

for tool in initdb pg_ctl pg_isready psql; do
  [ -x "$PG_BIN/$tool" ] || die "$PG_BIN/$tool not found (install the postgresql package: scripts/install-deps.sh)"
done

# Commands run as the server's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user to run the server"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

emit() {
  local line="FLOWD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$1/flowd_test"
  if [ -n "$OUT" ]; then
    echo "$line" >"$OUT"
  else
    echo "$line"
  fi
}

# Already running from an earlier call: report it again.
if [ -f "$PG_DIR/port" ] && [ -d "$PG_DIR/data" ] &&
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
  emit "$(cat "$PG_DIR/port")"
  exit 0
fi

# A leftover directory from a crashed run is thrown away.
if [ -d "$PG_DIR/data" ]; then
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
fi
rm -rf "$PG_DIR"
mkdir -p "$PG_DIR"
chmod 700 "$PG_DIR"
[ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"

as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C \
  >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A random free port; a clash between the check and the bind just means another try.
started=""
for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 40000))
  port_free "$port" || continue
  if as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 20 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null 2>&1; then
    started="$port"
    break
  fi
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
done
if [ -z "$started" ]; then
  tail -n 20 "$PG_DIR/server.log" >&2 2>/dev/null || true
  die "could not start PostgreSQL (log: $PG_DIR/server.log)"
fi

# Bounded wait until it accepts connections (pg_ctl -w normally covers this).
for _ in $(seq 1 40); do
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$started" && break
  sleep 0.5
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$started" || die "PostgreSQL on port $started does not accept connections"

"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$started" -U postgres -d postgres \
  -c "CREATE DATABASE flowd_test" >/dev/null || die "cannot create database flowd_test"
echo "$started" >"$PG_DIR/port"
emit "$started"
