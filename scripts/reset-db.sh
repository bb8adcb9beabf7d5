#!/usr/bin/env bash
# reset-db.sh [--seed]: drop all data of the database, reapply every migration with the migration
# worker (which also re-grants the API's role), verify the result and print each table's row count.
# --seed adds the development user (kenn@example.com / TestPassword1) and a timer.
#
# Database: DATABASE_URL (postgresql://...), else the run-mode defaults (see scripts/lib/db.sh).
# The API role's password: AppDatabase__Password, else (without DATABASE_URL) the AppHost's user
# secret Parameters:app-db-password; with neither, the role keeps its password and is only re-granted.
# The worker: KENNWILLIAMSON_WORKER (path to KennWilliamson.MigrationService.dll), else the newest
# build in KennWilliamson.MigrationService/bin, else `dotnet run --project` (builds it first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/db.sh"

seed=""
for arg in "$@"; do
  case $arg in
    --seed) seed=--seed ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$arg' (usage: reset-db.sh [--seed])" ;;
  esac
done

command -v dotnet >/dev/null || fail "dotnet not found: the .NET SDK runs the migration worker"
db_connect

app_password=${AppDatabase__Password:-}
if [ -z "$app_password" ] && [ -z "${DATABASE_URL:-}" ]; then
  app_password=$(printenv 'Parameters__app-db-password' || true)
  [ -n "$app_password" ] || app_password=$(user_secret 'Parameters:app-db-password')
fi

find_worker

info "Resetting $DB_LABEL"

# 1. Drop all data: the public schema and everything in it (tables, functions, the pg_uuidv7
#    extension, the migration history), then an empty public schema as a new database has it.
if ! err=$(sql -c "SET lock_timeout = '30s'" -c "
  DROP SCHEMA IF EXISTS public CASCADE;
  CREATE SCHEMA public;
  DO \$\$ BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_database_owner') THEN
      ALTER SCHEMA public OWNER TO pg_database_owner;
    END IF;
  EXCEPTION WHEN insufficient_privilege THEN NULL; -- then the current user stays the owner
  END \$\$;
  GRANT USAGE ON SCHEMA public TO PUBLIC;" 2>&1 >/dev/null); then
  fail "could not drop the data of $DB_LABEL: $(first_error "$err")"
fi
info "  dropped the public schema and everything in it"

# 2. Every migration, the API role's grants, and the seed data when asked for.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ConnectionStrings__kennwilliamson=$DB_NPGSQL AppDatabase__Password=$app_password \
     "${WORKER[@]}" run $seed >"$log" 2>&1; then
  reason=$(grep -m1 -E 'Migration .* failed: ' "$log" | sed -E 's/.*Migration [a-zA-Z]+ failed: //' || true)
  echo "--- migration worker output (last 20 lines) ---" >&2
  tail -20 "$log" >&2
  fail "the migration worker failed${reason:+: $reason}"
fi
info "  applied every migration${seed:+ and the seed data} (migration worker)"

# 3. Verify: the UUIDv7 generator answers, the tables and the three updated_at triggers exist.
uuid=$(sql -c "SELECT uuid_generate_v7()" 2>/dev/null) || fail "verification failed: uuid_generate_v7() does not answer"
[ "${uuid:14:1}" = 7 ] || fail "verification failed: uuid_generate_v7() returned $uuid, not a version 7 UUID"
missing=$(sql -c "
  SELECT string_agg(t, ', ') FROM unnest(ARRAY['users', 'roles', 'user_roles', 'incident_timers', '__EFMigrationsHistory']) AS t
  WHERE to_regclass(format('public.%I', t)) IS NULL")
[ -z "$missing" ] || fail "verification failed: missing tables: $missing"
missing=$(sql -c "
  SELECT string_agg(t, ', ') FROM unnest(ARRAY['update_users_updated_at', 'update_roles_updated_at', 'update_incident_timers_updated_at']) AS t
  WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = t AND NOT tgisinternal)")
[ -z "$missing" ] || fail "verification failed: missing triggers: $missing"
migrations=$(sql -c 'SELECT count(*) FROM "__EFMigrationsHistory"')
info "  verified: uuid_generate_v7() answers ($uuid), tables and the 3 updated_at triggers exist, $migrations migrations recorded"

info ""
info "Reset done: $DB_LABEL"
print_row_counts
