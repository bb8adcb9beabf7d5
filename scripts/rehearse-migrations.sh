#!/usr/bin/env bash
# rehearse-migrations.sh [FILE]: tries the pending migrations on a copy of production data, through the
# migration worker's `rehearse` verb: the newest backup in BACKUP_DIR (or FILE) is restored into a
# scratch database on the same server, the migrations this build has and the backup lacks are applied
# there, each timed, and the scratch database is dropped. The real database is not changed. Exit 0 when
# every pending migration applied; 1 with the failing migration and its error otherwise.
#   BACKUP_KEY   the passphrase of encrypted backups (else the AppHost's backup-key secret)
#   BACKUP_DIR   where backups are (default: backups/ at the repository root)
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh). Its
# role creates and drops the scratch database (CREATEDB). The worker: see find_worker in scripts/lib/db.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

file=""
case ${1:-} in
  -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) fail "unknown option '$1' (usage: rehearse-migrations.sh [FILE])" ;;
  "") ;;
  *) file=$(realpath -- "$1") ;;
esac
[ $# -le 1 ] || fail "one FILE at most (usage: rehearse-migrations.sh [FILE])"

db_connect
[ -n "$PG_RESTORE" ] || fail "pg_restore not found: install the PostgreSQL client or set PG_BIN"
backup_key
find_worker
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
Backups__Directory=${BACKUP_DIR:-$REPO_ROOT/backups} Backups__Key=$BACKUP_KEY PG_BIN=$(dirname "$PG_RESTORE") \
  ConnectionStrings__kennwilliamson=$DB_NPGSQL "${WORKER[@]}" rehearse ${file:+"$file"} >"$log" 2>&1 || rc=$?
# The report's own lines; the worker's log lines (info:, fail:, indented messages) stay in the log.
grep -E '^(Rehearsing|Rehearsal|  [^ ])' "$log" || true
if [ "$rc" -ne 0 ]; then
  reason=$(grep -m1 -E 'Migration .* failed: ' "$log" | sed -E 's/.*Migration [a-zA-Z]+ failed: //' || true)
  fail "${reason:-the migration worker failed (exit code $rc)}"
fi
