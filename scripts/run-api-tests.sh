#!/usr/bin/env bash
# Runs the HTTP-level API suites (tests/api) and the official-client suite (tests/client)
# against the real flowd binary. Usable from anywhere; paths are relative to the repo root.
#
#   scripts/run-api-tests.sh                 # FLOWD_BIN defaults to build/release/flowd
#   FLOWD_BIN=build/asan/flowd scripts/run-api-tests.sh
#   scripts/run-api-tests.sh tests/api/auth.test.mjs   # only some files
#
# Needs Node >= 20 and npm (dependencies are installed with `npm ci` when node_modules is
# missing). The reference specs are read from ../shared/spec relative to the repo root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export FLOWD_BIN="${FLOWD_BIN:-build/release/flowd}"
case "$FLOWD_BIN" in
  /*) bin="$FLOWD_BIN" ;;
  *) bin="$root/$FLOWD_BIN" ;;
esac
if [[ ! -x "$bin" ]]; then
  echo "run-api-tests: flowd binary not found at $bin (build it: cmake --preset release && cmake --build build/release --target flowd)" >&2
  exit 1
fi
if [[ ! -d "$root/../shared/spec" ]]; then
  echo "run-api-tests: ../shared/spec (the OpenAPI contract) not found next to the repository" >&2
  exit 1
fi

for dir in tests/api tests/client; do
  if [[ ! -d "$dir/node_modules" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# Every test has a timeout, and each run as a whole a hard one (timeout(1) signals the whole
# process group, so the flowd servers started by the suites are stopped too). Files run two at
# a time; each starts its own server(s) on a free loopback port with its own database.
node_test=(timeout --kill-after=10 300 node --test --test-concurrency=2 --test-timeout=90000)

status=0
if [[ $# -gt 0 ]]; then
  "${node_test[@]}" "$@" || status=$?
else
  "${node_test[@]}" tests/api/*.test.mjs || status=$?
  "${node_test[@]}" tests/client/*.test.mjs || status=$?
fi
exit "$status"
