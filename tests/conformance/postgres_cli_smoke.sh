#!/usr/bin/env bash
# The flowd binary against PostgreSQL, end to end: `flowd migrate --db postgres://…` twice and
# three times at once, account/token creation, `flowd serve` answering a create and a read, and a
# clear error (without the password) for an unreachable server.
#   postgres_cli_smoke.sh FLOWD_BIN      (FLOWD_TEST_POSTGRES_URL set; exit 77 = skipped without it)
set -euo pipefail

bin="$1"
url="${FLOWD_TEST_POSTGRES_URL:-}"
if [ -z "$url" ]; then
  echo "FLOWD_TEST_POSTGRES_URL is not set; skipping (make test starts a server)"
  exit 77
fi
sep='?'
case "$url" in *\?*) sep='&' ;; esac
db="${url}${sep}schema=cli_$$_${RANDOM}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Migrations: several processes at once, then again (a no-op).
for i in 1 2 3; do "$bin" migrate --db "$db" 2>"$work/migrate$i.log" & done
wait || fail "concurrent migrate failed: $(cat "$work"/migrate*.log)"
"$bin" migrate --db "$db" 2>"$work/migrate.log" || fail "second migrate failed: $(cat "$work/migrate.log")"
grep -Eq "schema version [0-9]+" "$work/migrate.log" || fail "unexpected migrate output: $(cat "$work/migrate.log")"

account="$("$bin" account create --db "$db" --name smoke)"
[ "$account" = 1000001 ] || fail "first account id is '$account', expected 1000001"
token="$("$bin" token create --db "$db" --account "$account" --scopes all)"

"$bin" serve --db "$db" --listen 127.0.0.1:0 --quiet 2>"$work/serve.log" &
server_pid=$!
address=""
for _ in $(seq 1 100); do
  address="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n 1 || true)"
  [ -n "$address" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "flowd serve exited: $(cat "$work/serve.log")"
  sleep 0.1
done
[ -n "$address" ] || fail "flowd serve did not start within 10 s: $(cat "$work/serve.log")"

body='{"name":"pg smoke","type":"CONTACT_FLOW","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[]}'
created="$(curl -sS --max-time 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -X POST --data "$body" "$address/automation/v4/flows")"
flow_id="$(echo "$created" | grep -o '"id":"[0-9]*"' | head -n 1 | grep -o '[0-9][0-9]*' || true)"
[ -n "$flow_id" ] || fail "create answered: $created"
[ "$flow_id" -ge 500000001 ] || fail "flow id $flow_id is below 500000001"
got="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  "$address/automation/v4/flows/$flow_id")"
[ "$got" = 200 ] || fail "GET flow $flow_id answered $got"

# An unreachable server: a clear error naming host and port, never the password.
if "$bin" migrate --db "postgres://someone:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=3" \
  2>"$work/bad.log"; then
  fail "migrate against an unreachable server succeeded"
fi
grep -q "cannot connect to PostgreSQL at 127.0.0.1:1" "$work/bad.log" || fail "unclear error: $(cat "$work/bad.log")"
if grep -q "s3cret-pw" "$work/bad.log"; then fail "the password was printed: $(cat "$work/bad.log")"; fi
echo "ok"
