# Shared by the scripts (sourced, not run). Each script is a thin command-line wrapper over one of the
# migration worker's verbs: the same code the dashboard's database commands run.
#
# The worker reads one vocabulary, its configuration keys as environment variables: ConnectionStrings__kennwilliamson,
# Backups__Key, Backups__Directory, Backups__RetentionDays, Backups__Environment, Audit__RetentionDays,
# AppDatabase__Password. The scripts export those names. The short names they have always documented
# (BACKUP_KEY, BACKUP_DIR, BACKUP_RETENTION_DAYS, KENNWILLIAMSON_ENV, AUDIT_RETENTION_DAYS) are aliases,
# mapped by setting_aliases below only: each fills its setting when that is unset.
#
# The database: DATABASE_URL (postgresql://user:password@host:port/database?sslmode=...), which the worker
# reads itself; a ConnectionStrings__kennwilliamson left in the shell is dropped, since the worker would
# prefer it. Else the run-mode defaults: localhost, port Postgres__Port or the AppHost's user secret
# Postgres:Port or 5432 (the AppHost's appsettings.json), user postgres, database kennwilliamson, and the
# password Parameters__postgres-password or the AppHost's user secret Parameters:postgres-password.
# The worker: KENNWILLIAMSON_WORKER (path to KennWilliamson.MigrationService.dll), else
# `dotnet run --project KennWilliamson.MigrationService` (which builds it first when the source changed).

SCRIPT_NAME=$(basename "$0")
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Started with standard input closed (<&-): give it /dev/null, so a question finds no answer and the verb
# stops. Left closed, the .NET runtime takes descriptor 0 for a pipe of its own and the question waits forever.
[ -e /dev/fd/0 ] || exec </dev/null

# One line on stderr, exit 1.
fail() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" | tr '\n' ' ' | sed 's/ *$//' >&2
  echo >&2
  exit 1
}

# The script's own help: its header comment (the lines after the #! line that start with #).
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0; }

# Reads one value from the AppHost's user secrets ("Key = value" lines); empty when there is none.
user_secret() {
  local key=$1
  if [ -z "${USER_SECRETS_CACHE+set}" ]; then
    USER_SECRETS_CACHE=$(cd "$REPO_ROOT" && dotnet user-secrets list --project KennWilliamson.AppHost 2>/dev/null || true)
  fi
  printf '%s\n' "$USER_SECRETS_CACHE" | sed -n "s/^$key = //p" | head -1
}

# The documented short names as the worker's settings; a setting already set wins over its alias.
setting_aliases() {
  local pair alias setting
  for pair in BACKUP_KEY=Backups__Key BACKUP_DIR=Backups__Directory BACKUP_RETENTION_DAYS=Backups__RetentionDays \
      KENNWILLIAMSON_ENV=Backups__Environment AUDIT_RETENTION_DAYS=Audit__RetentionDays; do
    alias=${pair%%=*} setting=${pair#*=}
    if [ -z "${!setting:-}" ] && [ -n "${!alias:-}" ]; then
      export "$setting=${!alias}"
    fi
    unset "$alias"
  done
}
setting_aliases

# Without DATABASE_URL: the run-mode database, as an Npgsql connection string for the worker (every value
# double-quoted, inner quotes doubled). It is a development database, so the worker runs as Development (its
# environment decides the seed rule and names the backups). With DATABASE_URL the shell's DOTNET_ENVIRONMENT
# decides (Production when unset).
default_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    unset ConnectionStrings__kennwilliamson
    return 0
  fi
  export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
  local port=${Postgres__Port:-} password
  [ -n "$port" ] || port=$(user_secret 'Postgres:Port')
  password=$(printenv 'Parameters__postgres-password' || true)
  [ -n "$password" ] || password=$(user_secret 'Parameters:postgres-password')
  [ -n "$password" ] || fail "DATABASE_URL is not set and no postgres-password was found in the AppHost's user secrets (run the AppHost once, or set DATABASE_URL)"
  export ConnectionStrings__kennwilliamson="Host=localhost;Port=${port:-5432};Username=postgres;Database=kennwilliamson;Password=\"${password//\"/\"\"}\""
}

# The passphrase backups are encrypted with: Backups__Key (alias BACKUP_KEY), else Parameters__backup-key, else
# (run mode) the AppHost's user secret Parameters:backup-key. The worker gets it in its environment, never on a command line.
default_backup_key() {
  [ -n "${Backups__Key:-}" ] || Backups__Key=$(printenv 'Parameters__backup-key' || true)
  [ -n "$Backups__Key" ] || Backups__Key=$(user_secret 'Parameters:backup-key')
  [ -n "$Backups__Key" ] || fail "no backup key: set Backups__Key (or BACKUP_KEY) to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)"
  export Backups__Key
}

# run_worker VERB [ARGS...]: the worker's report on standard output as it comes (and its questions on
# standard input); its log kept aside. On failure: its one-line reason as "script: reason", exit 1.
run_worker() {
  command -v dotnet >/dev/null || fail "dotnet not found: the .NET SDK runs the migration worker"
  local worker log rc=0 reason
  if [ -n "${KENNWILLIAMSON_WORKER:-}" ]; then
    [ -f "$KENNWILLIAMSON_WORKER" ] || fail "KENNWILLIAMSON_WORKER: no such file $KENNWILLIAMSON_WORKER"
    worker=(dotnet "$KENNWILLIAMSON_WORKER")
  else
    worker=(dotnet run --project "$REPO_ROOT/KennWilliamson.MigrationService" --no-launch-profile --)
  fi
  log=$(mktemp)
  Backups__Directory=${Backups__Directory:-$REPO_ROOT/backups} "${worker[@]}" "$@" 2>"$log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    reason=$(sed -n 's/^error: //p' "$log" | tail -1)
    if [ -z "$reason" ]; then
      echo "--- migration worker log (last 20 lines) ---" >&2
      tail -20 "$log" >&2
    fi
    rm -f "$log"
    fail "${reason:-the migration worker failed (exit code $rc)}"
  fi
  rm -f "$log"
}
