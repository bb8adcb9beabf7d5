#!/usr/bin/env bash
# backup-db.sh: pg_dump in custom format, encrypted (gpg, AES-256, passphrase BACKUP_KEY), to
# backups/kennwilliamson_<env>_<YYYYmmdd_HHMMSS>.dump.gpg (file 0600, folder 0700), verified (decrypts,
# pg_restore --list and a full read) before it counts, then removes backups older than
# BACKUP_RETENTION_DAYS (7) days. Only files named like backups of the same <env> are ever removed,
# and never the one just made.
#   BACKUP_KEY              the passphrase (else the AppHost's backup-key secret; see scripts/lib/db.sh)
#   BACKUP_DIR              where backups go (default: backups/ at the repository root)
#   KENNWILLIAMSON_ENV      the <env> of the name (else ASPNETCORE_ENVIRONMENT, else development)
#   BACKUP_RETENTION_DAYS   days to keep (default 7; 0 keeps only the new one)
# backup-db.sh --verify FILE   only checks an existing dump (exit 0 when it is sound).
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

if [ "${1:-}" = "--verify" ]; then
  [ $# -eq 2 ] || fail "usage: backup-db.sh --verify FILE"
  find_pg_tools
  backup_key
  reason=$(verify_dump "$2") || fail "verification failed: $reason"
  info "$2: verified ($(dump_tables "$2") tables with data)"
  exit 0
fi
case ${1:-} in
  "") ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) fail "unknown argument '$1' (usage: backup-db.sh [--verify FILE])" ;;
esac

env_name=${KENNWILLIAMSON_ENV:-${ASPNETCORE_ENVIRONMENT:-development}}
env_name=$(printf '%s' "$env_name" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9-' '-')
backup_dir=${BACKUP_DIR:-$REPO_ROOT/backups}
retention=${BACKUP_RETENTION_DAYS:-7}
[[ $retention =~ ^[0-9]+$ ]] || fail "BACKUP_RETENTION_DAYS is '$retention'; use a whole number of days"

db_connect
backup_key
[ -n "$PG_DUMP" ] || fail "pg_dump not found: install the PostgreSQL client or set PG_BIN"
check_client_version "$PG_DUMP"
# The dumps hold emails and password hashes: nobody but the owner reads the folder or the files.
umask 077
mkdir -p "$backup_dir" || fail "cannot create $backup_dir"
chmod 700 "$backup_dir" || fail "cannot restrict $backup_dir to its owner"

file=$backup_dir/kennwilliamson_${env_name}_$(date +%Y%m%d_%H%M%S).dump.gpg
partial=$file.partial
trap 'rm -f "$partial"' EXIT
info "Backing up $DB_LABEL"
dump_err=$(mktemp)
if ! "$PG_DUMP" --format=custom 2>"$dump_err" | encrypt_to "$partial"; then
  err=$(cat "$dump_err"); rm -f "$dump_err"
  fail "pg_dump failed: $(first_error "${err:-encryption failed}")"
fi
rm -f "$dump_err"
reason=$(verify_dump "$partial") || fail "the new backup failed verification and was removed: ${reason//$partial/the dump}"
mv "$partial" "$file"
size=$(du -h "$file" | cut -f1)
tables=$(dump_tables "$file")
info "  wrote $file ($size, $tables tables with data, encrypted), verified: decrypts, pg_restore --list and a full read"

# Retention: backups of this <env> older than the limit, by modification time; never the new one.
now=$(date +%s)
limit=$((retention * 86400))
removed=0
shopt -s nullglob
for old in "$backup_dir"/kennwilliamson_"${env_name}"_[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]_[0-9][0-9][0-9][0-9][0-9][0-9].dump{,.gpg}; do
  [ "$old" = "$file" ] && continue
  age=$((now - $(stat -c %Y "$old")))
  if [ "$age" -gt "$limit" ]; then
    rm -f -- "$old" && removed=$((removed + 1)) && info "  removed $(basename "$old") ($((age / 86400)) days old)"
  fi
done
info "Backup done: $file (kept $retention days; removed $removed old backup(s))"
