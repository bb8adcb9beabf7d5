#!/usr/bin/env bash
# restore-db.sh FILE [--yes] [--allow-unencrypted]: restores a backup made by backup-db.sh over the
# database, after checking the file (encrypted with a passphrase, decrypts with Backups__Key, pg_restore
# --list and a full read) and after a typed confirmation: type the database's name. --yes skips the
# question (for scripts). Without --yes and without the right answer (standard input closed or at its end
# included) nothing changes and the exit code is non-zero. The restore runs in one transaction
# (pg_restore --clean --if-exists --no-owner --single-transaction): it applies completely or not at all.
# Prints each table's row count afterwards. The migration worker's `restore` verb.
# A plain (unencrypted) pg_dump archive is refused: backup-db.sh never writes one, so its origin is
# unchecked. --allow-unencrypted restores it anyway, and the report says UNENCRYPTED. Any other gpg file
# than what backup-db.sh writes (gpg --store, ASCII-armored, encrypted to a public key, only signed) is
# always refused.
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

file="" flags=()
for arg in "$@"; do
  case $arg in
    --yes | -y) flags+=(--yes) ;;
    --allow-unencrypted) flags+=(--allow-unencrypted) ;;
    -h | --help) usage ;;
    -*) fail "unknown option '$arg' (usage: restore-db.sh FILE [--yes] [--allow-unencrypted])" ;;
    *) [ -z "$file" ] || fail "one FILE only (usage: restore-db.sh FILE [--yes] [--allow-unencrypted])"; file=$arg ;;
  esac
done
[ -n "$file" ] || fail "usage: restore-db.sh FILE [--yes] [--allow-unencrypted]"

default_database
default_backup_key
run_worker restore "$(realpath -m -- "$file")" "${flags[@]}"
