#!/usr/bin/env bash
# rehearse-migrations.sh [FILE]: tries the pending migrations on a copy of production data, through the
# migration worker's `rehearse` verb: the newest backup in BACKUP_DIR (or FILE) is restored into a
# scratch database on the same server, the migrations this build has and the backup lacks are applied
# there, each timed, and the scratch database is dropped. The real database is not changed. Exit 0 when
# every pending migration applied; 1 with the failing migration and its error otherwise.
#   BACKUP_KEY   the passphrase of encrypted backups (else the AppHost's backup-key secret)
#   BACKUP_DIR   where backups are (default: backups/ at the repository root)
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh). Its
# role creates and drops the scratch database (CREATEDB).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

file=()
case ${1:-} in
  -h | --help) usage ;;
  -*) fail "unknown option '$1' (usage: rehearse-migrations.sh [FILE])" ;;
  "") ;;
  *) file=("$(realpath -m -- "$1")") ;;
esac
[ $# -le 1 ] || fail "one FILE at most (usage: rehearse-migrations.sh [FILE])"

default_database
default_backup_key
run_worker rehearse "${file[@]}"
