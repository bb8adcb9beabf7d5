#!/usr/bin/env bash
# One-shot initdb for the AppHost's local mode (the `postgres-init` resource).
# Creates a new cluster in $PGDATA, or checks an existing one, then exits; the server waits for it.
#   PG_BIN             folder with initdb and postgres
#   PGDATA             data directory (created if missing; persists between runs)
#   PG_RUN_AS          user to run PostgreSQL as when this runs as root (PostgreSQL refuses root), else empty
#   POSTGRES_PASSWORD  password of the `postgres` superuser, used only when the cluster is new
set -euo pipefail

fail() { echo "postgres-init: $*" >&2; exit 1; }
[ -x "$PG_BIN/initdb" ] || fail "no initdb in $PG_BIN (set Postgres:BinDirectory)"
[ -n "${PGDATA:-}" ] || fail "PGDATA is not set"

as_pg() {
  if [ -n "${PG_RUN_AS:-}" ]; then setpriv --reuid="$PG_RUN_AS" --regid="$PG_RUN_AS" --init-groups -- "$@"; else "$@"; fi
}

binary_major=$("$PG_BIN/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')

# Backups need a pg_dump of at least the server's major version (pg_dump refuses a newer server). The
# scripts take the server folder's own, else the newest Debian one, else PATH's: say now if that is too old.
pg_dump_bin=$([ -x "$PG_BIN/pg_dump" ] && echo "$PG_BIN/pg_dump" || ls -d /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_dump_bin" ] || pg_dump_bin=$(command -v pg_dump || true)
if [ -z "$pg_dump_bin" ]; then
  echo "postgres-init: warning: no pg_dump found: backups (Back up now, scripts/backup-db.sh) need the PostgreSQL $binary_major client tools (Debian/Ubuntu: postgresql-client-$binary_major)"
else
  client_major=$("$pg_dump_bin" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  if [ "$client_major" -lt "$binary_major" ]; then
    echo "postgres-init: warning: pg_dump is PostgreSQL $client_major but the server is PostgreSQL $binary_major: backups (Back up now, scripts/backup-db.sh) will refuse to run. Install postgresql-client-$binary_major (apt.postgresql.org) and set PG_BIN to its bin folder for the scripts"
  fi
fi

if [ -s "$PGDATA/PG_VERSION" ]; then
  data_major=$(cat "$PGDATA/PG_VERSION")
  [ "$data_major" = "$binary_major" ] || fail "$PGDATA holds a PostgreSQL $data_major cluster but the binaries in $PG_BIN are $binary_major: point Postgres:BinDirectory at PostgreSQL $data_major, or move the folder away (back it up first)"
  if [ -n "${PG_RUN_AS:-}" ]; then
    as_pg test -w "$PGDATA" || fail "$PGDATA is not writable by $PG_RUN_AS: chown -R $PG_RUN_AS $PGDATA"
  fi
  echo "postgres-init: using the existing PostgreSQL $data_major cluster in $PGDATA"
  exit 0
fi

[ -n "${POSTGRES_PASSWORD:-}" ] || fail "POSTGRES_PASSWORD is not set"
mkdir -p "$PGDATA"
chmod 700 "$PGDATA"
if [ -n "${PG_RUN_AS:-}" ]; then
  chown "$PG_RUN_AS": "$PGDATA"
  as_pg test -w "$PGDATA" || fail "$PG_RUN_AS cannot reach $PGDATA: a parent folder is closed to it (chmod o+x the parents, or choose another Postgres:DataDirectory)"
fi

pwfile=$(mktemp)
trap 'rm -f "$pwfile"' EXIT
printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
[ -z "${PG_RUN_AS:-}" ] || chown "$PG_RUN_AS": "$pwfile"

echo "postgres-init: creating a PostgreSQL $binary_major cluster in $PGDATA"
as_pg "$PG_BIN/initdb" --pgdata="$PGDATA" --username=postgres --pwfile="$pwfile" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
echo "postgres-init: done"
