#!/usr/bin/env bash
# Runs the HTTP benchmarks against a fresh flowd on loopback and prints the median of several runs
# per scenario (see bench/README.md for the figures and how to read them). Not part of `make test`.
#
#   scripts/run-bench.sh                        every scenario, 3 runs × 10 s, access log off
#   SCENARIOS="get create" RUNS=5 DURATION=20 scripts/run-bench.sh
#   ACCESS_LOG=1 scripts/run-bench.sh           server writes its access log (to a file)
#   DECODE=1 scripts/run-bench.sh               also run flowd_decode_bench
#   SCENARIOS="crm-batch-create crm-get crm-search" scripts/run-bench.sh
#                                               the CRM scenarios (issue 3 §7); crm-search first
#                                               seeds CRM_POPULATION contacts (1,000,000: minutes)
#
# Environment: SCENARIOS (get list create put mixed; also crm-batch-create crm-get crm-search),
# RUNS (3), DURATION (10), WARMUP (2), CONNECTIONS (32), LOAD_THREADS (2), SERVER_THREADS (2),
# IO (epoll | blocking), POOL (1000), CRM_POPULATION (1000000), ACCESS_LOG (0),
# BUILD_DIR (build/release), DECODE (0), KEEP_DB (empty: a directory to keep the databases in, so
# that a later run with the same KEEP_DB reuses the seeded crm-search population).
# Each scenario gets its own server and database; the runs of one scenario share them (so create
# and put runs see the flows earlier runs wrote, and crm-search seeds its population in the first
# run only). The load generator shares the CPUs with the server: on a 2-core machine the figures
# are for the pair, not for the server alone.
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIOS=${SCENARIOS:-"get list create put mixed"}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-32}
LOAD_THREADS=${LOAD_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
IO=${IO:-epoll}
POOL=${POOL:-1000}
CRM_POPULATION=${CRM_POPULATION:-1000000}
KEEP_DB=${KEEP_DB:-}
ACCESS_LOG=${ACCESS_LOG:-0}
BUILD_DIR=${BUILD_DIR:-build/release}
DECODE=${DECODE:-0}

FLOWD="$BUILD_DIR/flowd"
LOAD="$BUILD_DIR/bench/flowd_load"
# Configure when needed; the build itself is a no-op when everything is up to date.
[ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake --preset release >&2
cmake --build "$BUILD_DIR" -j2 --target flowd flowd_load >/dev/null

WORK=$(mktemp -d /tmp/flowd-bench.XXXXXX)
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "run-bench: flowd did not stop on SIGTERM within 5 s; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts flowd on a fresh database (or, with KEEP_DB, the one a previous run left there); sets
# PORT, TOKEN, SERVER_PID.
start_server() {
  local name=$1
  local dir=$WORK
  [ -n "$KEEP_DB" ] && dir=$KEEP_DB && mkdir -p "$dir"
  local db="sqlite:$dir/$name.db"
  local account_file="$dir/$name.account"
  "$FLOWD" migrate --db "$db" 2>/dev/null
  local account
  if [ -s "$account_file" ]; then
    account=$(cat "$account_file")
  else
    account=$("$FLOWD" account create --db "$db" --name "bench $name")
    echo "$account" >"$account_file"
  fi
  TOKEN=$("$FLOWD" token create --db "$db" --account "$account" --name bench \
    --scopes automation,crm.objects.contacts.read,crm.objects.contacts.write)
  PORT=$(free_port)
  local quiet=(--quiet)
  [ "$ACCESS_LOG" = "1" ] && quiet=()
  "$FLOWD" serve --db "$db" --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" "${quiet[@]}" \
    >"$WORK/$name.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "run-bench: flowd did not start; its log:" >&2
  cat "$WORK/$name.server.log" >&2
  exit 1
}

# Median of the numbers on stdin, printed with printf format $1 (default: 2 decimals).
median() {
  sort -n | awk -v fmt="${1:-%.2f}" '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf(fmt "\n", m) }'
}

# Pulls a numeric field out of flowd_load's JSON lines.
field() {
  grep -o "\"$1\":[0-9.]*" | cut -d: -f2
}

echo "# flowd benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "# $CONNECTIONS connections, $LOAD_THREADS load threads ($IO), $SERVER_THREADS server threads, $RUNS runs × ${DURATION}s (+${WARMUP}s warm-up), access log $([ "$ACCESS_LOG" = 1 ] && echo on || echo off)"
# srv/gen cpu: share of one CPU used by the server / load generator; srv/gen us: their CPU time per
# 2xx response (steadier than req/s when other processes compete for the CPUs).
# rec/s: records created per second (crm-batch-create: 100 per request).
printf '%-16s %8s %8s %7s %7s %7s %7s %6s %7s %7s %7s %7s  %s\n' scenario "req/s" "rec/s" \
  "p50 ms" "p90 ms" "p99 ms" "max ms" errors "srv cpu" "srv us" "gen cpu" "gen us" \
  "load avg (1 min) per run"

for scenario in $SCENARIOS; do
  start_server "$scenario"
  : >"$WORK/$scenario.json"
  loads=()
  for run in $(seq "$RUNS"); do
    loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    "$LOAD" --url "http://127.0.0.1:$PORT" --token "$TOKEN" --scenario "$scenario" \
      --connections "$CONNECTIONS" --threads "$LOAD_THREADS" --io "$IO" --pool "$POOL" \
      --crm-population "$CRM_POPULATION" \
      --duration "$DURATION" --warmup "$WARMUP" --server-pid "$SERVER_PID" --json \
      2>>"$WORK/$scenario.load.err" | grep '^{' >>"$WORK/$scenario.json" || {
      echo "run-bench: $scenario run $run failed:" >&2
      cat "$WORK/$scenario.load.err" >&2
    }
  done
  stop_server
  # crm-search: how the population was seeded (or found), as comments above the figures.
  grep -h '^flowd_load: \(seeded\|seeding\|population\)' "$WORK/$scenario.load.err" | grep -v ' / ' |
    sed 's/^flowd_load: /# /' || true
  j="$WORK/$scenario.json"
  errors=$(field errors <"$j" | awk '{ s += $1 } END { print s + 0 }')
  printf '%-16s %8s %8s %7s %7s %7s %7s %6s %6s%% %7s %6s%% %7s  %s\n' "$scenario" \
    "$(field throughput_rps <"$j" | median %.0f)" "$(field records_per_s <"$j" | median %.0f)" \
    "$(field p50 <"$j" | median)" \
    "$(field p90 <"$j" | median)" "$(field p99 <"$j" | median)" "$(field max <"$j" | median)" \
    "$errors" "$(field server_cpu_pct <"$j" | median %.0f)" \
    "$(field server_cpu_us_per_req <"$j" | median %.1f)" \
    "$(field client_cpu_pct <"$j" | median %.0f)" \
    "$(field client_cpu_us_per_req <"$j" | median %.1f)" "${loads[*]}"
  if [ "${VERBOSE:-0}" = "1" ]; then sed 's/^/#   /' "$j"; fi
  if [ "$errors" != "0" ]; then grep -h "first error" "$WORK/$scenario.load.err" | head -3 >&2 || true; fi
done

if [ "$DECODE" = "1" ]; then
  cmake --build "$BUILD_DIR" -j2 --target flowd_decode_bench >/dev/null
  "$BUILD_DIR/bench/flowd_decode_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi
