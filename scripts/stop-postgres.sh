#!/usr/bin/env bash
# Stops the test server started by scripts/start-postgres.sh (same $FLOWD_PG_DIR) and removes its
# directory. Safe to run when nothing is running.
set -euo pipefail

PG_DIR="${FLOWD_PG_DIR:-/tmp/flowd-pg}"
PG_BIN="${FLOWD_PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ -d "$PG_DIR/data" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast -w -t 20 >/dev/null 2>&1 || true
  else
    "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast -w -t 20 >/dev/null 2>&1 || true
  fi
fi
rm -rf "$PG_DIR"
