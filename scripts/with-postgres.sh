#!/usr/bin/env bash
# with-postgres.sh CMD…: runs CMD with FLOWD_TEST_POSTGRES_URL pointing at a throwaway PostgreSQL
# server of its own (scripts/start-postgres.sh), stops the server afterwards whatever happens, and
# exits with CMD's status. Fails when the server cannot be started.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

FLOWD_PG_DIR="$(mktemp -d /tmp/flowd-pg.XXXXXX)"
export FLOWD_PG_DIR
trap '"$here/stop-postgres.sh"' EXIT

line="$("$here/start-postgres.sh")"
export "${line?}"
echo "with-postgres: ${line}" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
