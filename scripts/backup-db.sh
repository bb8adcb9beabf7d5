#!/usr/bin/env bash
# backup-db.sh: pg_dump in custom format, encrypted (gpg, AES-256, passphrase Backups__Key), to
# backups/kennwilliamson_<env>_<YYYYmmdd_HHMMSS UTC>.dump.gpg (file 0600, folder 0700), verified (decrypts,
# pg_restore --list and a full read) before it counts, then removes backups older than
# Backups__RetentionDays (7) days. Only files named like backups of the same <env> are ever removed,
# and never the one just made. The migration worker's `backup` verb, as the dashboard's "Back up now".
#   Backups__Key            the passphrase, alias BACKUP_KEY (else the AppHost's backup-key secret; see scripts/lib/db.sh)
#   Backups__Directory      where backups go, alias BACKUP_DIR (default: backups/ at the repository root)
#   Backups__Environment    the <env> of the name, alias KENNWILLIAMSON_ENV (else the worker's environment,
#                           lower-cased: DOTNET_ENVIRONMENT, production when unset; development without DATABASE_URL)
#   Backups__RetentionDays  days to keep, alias BACKUP_RETENTION_DAYS (default 7; 0 keeps only the new one)
#   PG_BIN                  the PostgreSQL client tools' folder (else the newest /usr/lib/postgresql/N/bin, else PATH)
# backup-db.sh --verify FILE [--allow-unencrypted]   only checks an existing backup (exit 0 when it is
# sound): verb `verify-backup`. A plain pg_dump archive fails unless --allow-unencrypted (then: UNENCRYPTED);
# any other gpg file than what the backup writes (gpg --store, armored, public-key encrypted, signed) fails.
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

case ${1:-} in
  --verify)
    [ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$3" = --allow-unencrypted ]; } || fail "usage: backup-db.sh --verify FILE [--allow-unencrypted]"
    default_backup_key
    run_worker verify-backup "$(realpath -m -- "$2")" "${@:3}"
    exit 0 ;;
  "") ;;
  -h | --help) usage ;;
  *) fail "unknown argument '$1' (usage: backup-db.sh [--verify FILE [--allow-unencrypted]])" ;;
esac
[ $# -le 1 ] || fail "usage: backup-db.sh [--verify FILE [--allow-unencrypted]]"

default_database
default_backup_key
run_worker backup
