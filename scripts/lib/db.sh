# Shared by the scripts (sourced, not run). Each script is a thin command-line wrapper over one of the
# migration worker's verbs: the same code the dashboard's database commands run.
#
# The database: DATABASE_URL (postgresql://user:password@host:port/database?sslmode=...), which the worker
# reads itself; else the run-mode defaults: localhost, Postgres__Port or the AppHost's Postgres:Port
# (5432), user postgres, database kennwilliamson, and the password Parameters__postgres-password or the
# AppHost's user secret Parameters:postgres-password.
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

# Without DATABASE_URL: the run-mode database, as an Npgsql connection string for the worker (every value
# double-quoted, inner quotes doubled). It is a development database, so the worker runs as Development (its
# environment decides the seed rule and names the backups). With DATABASE_URL the shell's DOTNET_ENVIRONMENT
# decides (Production when unset).
default_database() {
  [ -z "${DATABASE_URL:-}" ] || return 0
  export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
  local port=${Postgres__Port:-} password
  [ -n "$port" ] || port=$(sed -n 's/^[[:space:]]*"Port":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$REPO_ROOT/KennWilliamson.AppHost/appsettings.json" 2>/dev/null | head -1)
  password=$(printenv 'Parameters__postgres-password' || true)
  [ -n "$password" ] || password=$(user_secret 'Parameters:postgres-password')
  [ -n "$password" ] || fail "DATABASE_URL is not set and no postgres-password was found in the AppHost's user secrets (run the AppHost once, or set DATABASE_URL)"
  export ConnectionStrings__kennwilliamson="Host=localhost;Port=${port:-5432};Username=postgres;Database=kennwilliamson;Password=\"${password//\"/\"\"}\""
}

# The passphrase backups are encrypted with: BACKUP_KEY, else Parameters__backup-key, else (run mode) the
# AppHost's user secret Parameters:backup-key. The worker gets it in its environment, never on a command line.
default_backup_key() {
  BACKUP_KEY=${BACKUP_KEY:-$(printenv 'Parameters__backup-key' || true)}
  [ -n "$BACKUP_KEY" ] || BACKUP_KEY=$(user_secret 'Parameters:backup-key')
  [ -n "$BACKUP_KEY" ] || fail "no backup key: set BACKUP_KEY to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)"
  export BACKUP_KEY
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
  BACKUP_DIR=${BACKUP_DIR:-$REPO_ROOT/backups} "${worker[@]}" "$@" 2>"$log" || rc=$?
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
