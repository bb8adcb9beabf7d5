#!/usr/bin/env bash
# rehearse-migrations.sh [FILE] [--allow-unencrypted]: tries the pending migrations on a copy of
# production data, through the migration worker's `rehearse` verb: the newest backup of this environment
# in Backups__Directory (or FILE) is restored into a scratch database on the same server, the migrations this
# build has and the backup lacks are applied there, each timed, and the scratch database is dropped. The
# real database is not changed. Exit 0 when every pending migration applied; 1 with the failing
# migration and its error otherwise. A plain (unencrypted) pg_dump archive is refused unless
# --allow-unencrypted is given (then the report says UNENCRYPTED).
#   Backups__Key           the passphrase of encrypted backups, alias BACKUP_KEY (else the AppHost's backup-key secret)
#   Backups__Directory     where backups are, alias BACKUP_DIR (default: backups/ at the repository root)
#   Backups__Environment   whose backups, alias KENNWILLIAMSON_ENV: kennwilliamson_<env>_*.dump.gpg (else the worker's
#                          environment, lower-cased: DOTNET_ENVIRONMENT, production when unset; development without DATABASE_URL)
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh). Its
# role creates and drops the scratch database (CREATEDB).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

args=()
for arg in "$@"; do
  case $arg in
    --allow-unencrypted) args+=(--allow-unencrypted) ;;
    -h | --help) usage ;;
    -*) fail "unknown option '$arg' (usage: rehearse-migrations.sh [FILE] [--allow-unencrypted])" ;;
    *) [ -z "${file:-}" ] || fail "one FILE at most (usage: rehearse-migrations.sh [FILE] [--allow-unencrypted])"
       file=$(realpath -m -- "$arg"); args+=("$file") ;;
  esac
done

default_database
default_backup_key
run_worker rehearse "${args[@]}"
