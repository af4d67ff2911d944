#!/usr/bin/env bash
# Starts flowd on the embedded default (SQLite). On the first start (no account yet) creates an
# account and prints a token holding every scope — shown once; keep it.
#   FLOWD_DB (default sqlite:data/flowd.db), FLOWD_LISTEN (default 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/release/flowd
DB=${FLOWD_DB:-sqlite:data/flowd.db}
LISTEN=${FLOWD_LISTEN:-127.0.0.1:8080}

"$BIN" migrate --db "$DB"
if [ -z "$("$BIN" account list --db "$DB")" ]; then
  account=$("$BIN" account create --db "$DB" --name "Default account")
  token=$("$BIN" token create --db "$DB" --account "$account" --scopes all --name "make run")
  cat <<MSG

  flowd: first start — created account $account and an access token with every scope.
  It is shown only this once:

    export FLOWD_TOKEN=$token

  Try:  curl -H "Authorization: Bearer \$FLOWD_TOKEN" http://$LISTEN/automation/v4/flows

MSG
fi
exec "$BIN" serve --db "$DB" --listen "$LISTEN"
