#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on 127.0.0.1:${PGPORT:-54329} for the store contract tests and prints its URL.
# Runs the server as the `postgres` system user (it refuses root), with trust auth on loopback only.
set -euo pipefail
port=${PGPORT:-54329}
dir=${PGDATA_DIR:-/tmp/tipwire-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if ! su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  rm -rf "$dir"
  mkdir -p "$dir" && chown postgres:postgres "$dir"
  su postgres -s /bin/sh -c "$bin/initdb -D $dir -A trust -U postgres --no-sync" >/dev/null
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir -l $dir/server.log -w -o '-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off' start" >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
