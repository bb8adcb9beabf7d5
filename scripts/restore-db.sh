#!/usr/bin/env bash
# restore-db.sh FILE [--yes]: restores a backup made by backup-db.sh over the database, after checking
# the file (decrypts with BACKUP_KEY, pg_restore --list and a full read) and after a typed confirmation: type the database's
# name. --yes skips the question (for scripts). Without --yes and without the right answer nothing
# changes and the exit code is non-zero. The restore runs in one transaction (pg_restore --clean
# --if-exists --no-owner --single-transaction): it applies completely or not at all. Prints each
# table's row count afterwards.
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

file="" yes=""
for arg in "$@"; do
  case $arg in
    --yes | -y) yes=1 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option '$arg' (usage: restore-db.sh FILE [--yes])" ;;
    *) [ -z "$file" ] || fail "one FILE only (usage: restore-db.sh FILE [--yes])"; file=$arg ;;
  esac
done
[ -n "$file" ] || fail "usage: restore-db.sh FILE [--yes]"

find_pg_tools
[ -n "$PG_RESTORE" ] || fail "pg_restore not found: install the PostgreSQL client or set PG_BIN"
backup_key
db_connect
reason=$(verify_dump "$file") || fail "nothing restored: $reason"
info "$file: verified ($(dump_tables "$file") tables with data)"

if [ -z "$yes" ]; then
  info "This replaces the data of $DB_LABEL with the backup."
  printf 'Type the database name (%s) to continue: ' "$PGDATABASE"
  answer=""
  read -r answer || true
  echo
  [ "$answer" = "$PGDATABASE" ] || fail "not confirmed: nothing was restored (type '$PGDATABASE', or pass --yes)"
fi

options=(--clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$PGDATABASE")
# Grants to roles this server lacks (e.g. a dump from another server) would fail the restore.
missing_role=$(dump_plaintext "$file" | pg_restore_stdin --schema-only --file=- | sed -n -E 's/^GRANT .* TO "?([^";]+)"?;$/\1/p' | { grep -v '^PUBLIC$' || true; } | sort -u | while read -r role; do
  [ "$(sql -v role="$role" <<< "SELECT 1 FROM pg_roles WHERE rolname = :'role'")" = 1 ] || echo "$role"
done)
if [ -n "$missing_role" ]; then
  options+=(--no-privileges)
  info "  roles missing on this server ($(echo $missing_role)): restoring without grants; run the migration worker to re-grant"
fi

info "Restoring into $DB_LABEL"
if ! err=$(dump_plaintext "$file" | PGOPTIONS="-c lock_timeout=30s" "$PG_RESTORE" "${options[@]}" 2>&1 >/dev/null); then
  fail "restore failed, nothing changed: $(first_error "$err")"
fi
info ""
info "Restore done: $DB_LABEL from $file"
print_row_counts
