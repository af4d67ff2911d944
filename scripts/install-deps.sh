#!/usr/bin/env bash
# Installs what flowd needs to build and test, only when missing. Safe to run any number of times.
#   Debian packages: compiler, CMake, Boost 1.81 (Beast/Asio/JSON/URL), SQLite, libpq, OpenSSL,
#   libcurl, GoogleTest/GoogleMock, Google Benchmark, CLI11, ccache, Node.js/npm, PostgreSQL,
#   tzdata (the IANA zones of account time zones and filters).
#   npm packages: tests/api (ajv) and tests/client (@hubspot/api-client), from their lock files.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libcurl4-openssl-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  postgresql tzdata
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >&2 || true
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

for dir in tests/api tests/client; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    echo "install-deps: npm packages for $dir" >&2
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
    fi
  fi
done
