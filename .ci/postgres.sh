#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the tests and print its URL on stdout.
# Installs Debian's postgresql when no server binaries are found.
set -euo pipefail

PORT="${TRACKER_PG_PORT:-54329}"
DATA="${TRACKER_PG_DATA:-/tmp/tracker-ci-pg}"

find_bin() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  return 1
}

if ! BIN=$(find_bin); then
  echo "installing postgresql from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN=$(find_bin)
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ -f "$DATA/postmaster.pid" ]; then
  as_pg "$BIN/pg_ctl" -D "$DATA" stop -m fast >&2 || true
fi
rm -rf "$DATA"
mkdir -p "$DATA"
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tracker_test 2>/dev/null \
  || as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tracker_test
echo "postgresql://postgres@127.0.0.1:$PORT/tracker_test"
