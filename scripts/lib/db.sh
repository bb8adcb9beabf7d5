# Shared by reset-db.sh, backup-db.sh and restore-db.sh (sourced, not run).
#
# The database comes from DATABASE_URL (postgresql://user:password@host:port/database?sslmode=...),
# else from the run-mode defaults: localhost, Postgres__Port or the AppHost's Postgres:Port (5432),
# user postgres, database kennwilliamson, and the password Parameters__postgres-password or the
# AppHost's user secret Parameters:postgres-password.
#
# After db_connect the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE)
# are exported, so psql, pg_dump and pg_restore need no connection arguments; DB_NPGSQL holds the same
# connection as an Npgsql connection string (for the migration worker); DB_LABEL names it for people.

SCRIPT_NAME=$(basename "$0")
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# One line on stderr, exit 1.
fail() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$*" | tr '\n' ' ' | sed 's/ *$//' >&2
  echo >&2
  exit 1
}

info() { printf '%s\n' "$*"; }

# The first non-empty line of a client tool's error output, without the tool's prefix.
first_error() { printf '%s\n' "$1" | grep -v '^[[:space:]]*$' | head -1 | sed -E 's/^(psql|pg_dump|pg_restore)(:[^:]*:[0-9]+)?: //; s/^error: //; s/^ERROR: +//'; }

# PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian; its pg_dump handles every older server),
# else whatever is on PATH.
find_pg_tools() {
  local dir=""
  if [ -n "${PG_BIN:-}" ]; then
    dir=$PG_BIN
  else
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -1 || true)
  fi
  if [ -n "$dir" ] && [ -x "$dir/psql" ]; then
    PSQL=$dir/psql; PG_DUMP=$dir/pg_dump; PG_RESTORE=$dir/pg_restore
  else
    PSQL=$(command -v psql || true); PG_DUMP=$(command -v pg_dump || true); PG_RESTORE=$(command -v pg_restore || true)
  fi
  [ -n "$PSQL" ] && [ -x "$PSQL" ] || fail "psql not found: install the PostgreSQL client (apt-get install postgresql-client) or set PG_BIN"
}

urldecode() {
  local s=${1//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}

# Reads one value from the AppHost's user secrets ("Key = value" lines); empty when there is none.
user_secret() {
  local key=$1
  if [ -z "${USER_SECRETS_CACHE+set}" ]; then
    USER_SECRETS_CACHE=$(cd "$REPO_ROOT" && dotnet user-secrets list --project KennWilliamson.AppHost 2>/dev/null || true)
  fi
  printf '%s\n' "$USER_SECRETS_CACHE" | sed -n "s/^$key = //p" | head -1
}

apphost_port() {
  if [ -n "${Postgres__Port:-}" ]; then
    echo "$Postgres__Port"
    return
  fi
  local port
  port=$(sed -n 's/^[[:space:]]*"Port":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$REPO_ROOT/KennWilliamson.AppHost/appsettings.json" 2>/dev/null | head -1)
  echo "${port:-5432}"
}

parse_database_url() {
  local url=$1 rest query="" path="" userinfo="" hostport user="" password="" host port=""
  case $url in
    postgresql://* | postgres://*) ;;
    *) fail "DATABASE_URL must be a postgresql:// URI" ;;
  esac
  rest=${url#*://}
  if [[ $rest == *\?* ]]; then query=${rest#*\?}; rest=${rest%%\?*}; fi
  if [[ $rest == */* ]]; then path=${rest#*/}; rest=${rest%%/*}; fi
  if [[ $rest == *@* ]]; then userinfo=${rest%@*}; hostport=${rest##*@}; else hostport=$rest; fi
  if [ -n "$userinfo" ]; then
    user=${userinfo%%:*}
    [[ $userinfo == *:* ]] && password=${userinfo#*:}
  fi
  if [[ $hostport == \[*\]* ]]; then # [ipv6]:port
    host=${hostport%%]*}; host=${host#[}
    [[ $hostport == *\]:* ]] && port=${hostport##*]:}
  elif [[ $hostport == *:* ]]; then
    host=${hostport%:*}; port=${hostport##*:}
  else
    host=$hostport
  fi
  PGHOST=$(urldecode "${host:-localhost}")
  PGPORT=${port:-5432}
  PGUSER=$(urldecode "${user:-postgres}")
  PGPASSWORD=$(urldecode "$password")
  PGDATABASE=$(urldecode "${path:-kennwilliamson}")
  local pair
  IFS='&' read -r -a pairs <<< "$query"
  for pair in "${pairs[@]}"; do
    case $pair in
      sslmode=*) export PGSSLMODE=${pair#sslmode=} ;;
    esac
  done
}

# Npgsql connection-string value: always double-quoted, inner quotes doubled.
npgsql_value() { printf '"%s"' "${1//\"/\"\"}"; }

db_connect() {
  find_pg_tools
  unset PGSERVICE PGSERVICEFILE
  if [ -n "${DATABASE_URL:-}" ]; then
    parse_database_url "$DATABASE_URL"
  else
    PGHOST=localhost
    PGPORT=$(apphost_port)
    PGUSER=postgres
    PGDATABASE=kennwilliamson
    PGPASSWORD=$(printenv 'Parameters__postgres-password' || true)
    [ -n "$PGPASSWORD" ] || PGPASSWORD=$(user_secret 'Parameters:postgres-password')
    [ -n "$PGPASSWORD" ] || fail "DATABASE_URL is not set and no postgres-password was found in the AppHost's user secrets (run the AppHost once, or set DATABASE_URL)"
  fi
  export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}
  export PGAPPNAME=$SCRIPT_NAME
  DB_LABEL="$PGDATABASE on $PGHOST:$PGPORT as $PGUSER"

  local ssl=""
  case ${PGSSLMODE:-} in
    disable) ssl=";SSL Mode=Disable" ;; allow) ssl=";SSL Mode=Allow" ;; prefer) ssl=";SSL Mode=Prefer" ;;
    require) ssl=";SSL Mode=Require" ;; verify-ca) ssl=";SSL Mode=VerifyCA" ;; verify-full) ssl=";SSL Mode=VerifyFull" ;;
  esac
  DB_NPGSQL="Host=$(npgsql_value "$PGHOST");Port=$PGPORT;Database=$(npgsql_value "$PGDATABASE");Username=$(npgsql_value "$PGUSER");Password=$(npgsql_value "$PGPASSWORD")$ssl"

  local err
  if ! err=$("$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -c 'SELECT 1' 2>&1 >/dev/null); then
    fail "cannot connect to $DB_LABEL: $(first_error "$err")"
  fi
}

# psql with no startup file, stop on the first error, unaligned tuples only.
sql() { "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# "table  rows" for every table of the public schema, as a small aligned report.
print_row_counts() {
  local rows
  rows=$(sql -F $'\t' -c "
    SELECT c.relname,
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    ORDER BY c.relname") || fail "could not count the rows of $DB_LABEL"
  printf '  %-28s %s\n' "table" "rows"
  printf '%s\n' "$rows" | while IFS=$'\t' read -r table count; do
    [ -n "$table" ] && printf '  %-28s %s\n' "$table" "$count"
  done
}

# pg_dump refuses a server newer than itself ("server version mismatch"): before touching anything, a
# pg_dump older than the server ends the script with what to install. (pg_restore has no such limit: a
# dump restores on a newer server; ScriptTests restores a PostgreSQL 15 dump on 17 and 18.)
check_client_version() {
  local tool=$1 client server
  client=$("$tool" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  server=$(sql -c "SELECT current_setting('server_version_num')::int / 10000") || fail "could not read the server's version"
  if [ "$client" -lt "$server" ]; then
    fail "$(basename "$tool") is PostgreSQL $client but the server is PostgreSQL $server: nothing was changed. Install the PostgreSQL $server client tools (Debian/Ubuntu: postgresql-client-$server from apt.postgresql.org) and set PG_BIN to their bin folder"
  fi
}

# The passphrase backups are encrypted with: BACKUP_KEY, else Parameters__backup-key, else (run mode)
# the AppHost's user secret Parameters:backup-key. It is handed to gpg on a file descriptor, never on a
# command line.
backup_key() {
  command -v gpg >/dev/null || fail "gpg not found: install it (apt-get install gnupg); backups are encrypted with it"
  BACKUP_KEY=${BACKUP_KEY:-$(printenv 'Parameters__backup-key' || true)}
  [ -n "$BACKUP_KEY" ] || BACKUP_KEY=$(user_secret 'Parameters:backup-key')
  [ -n "$BACKUP_KEY" ] || fail "no backup key: set BACKUP_KEY to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)"
}

# gpg with a throw-away home (no keyring of the user's is read or written), the passphrase on fd 3,
# and its agent stopped afterwards. Symmetric AES-256; the key comes from backup_key.
gpg_with_key() {
  local home rc=0
  home=$(mktemp -d)
  GNUPGHOME=$home gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase-fd 3 --no-symkey-cache "$@" 3<<<"$BACKUP_KEY" || rc=$?
  GNUPGHOME=$home gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$home"
  return $rc
}

# Writes standard input, encrypted, to $1.
encrypt_to() { gpg_with_key --symmetric --cipher-algo AES256 --output "$1"; }

# A dump's plaintext on standard output: decrypted (gpg), or as is for a plain pg_dump file (backups
# from before encryption start with the archive's magic bytes PGDMP).
dump_plaintext() {
  local file=$1
  if [ "$(head -c 5 "$file")" = PGDMP ]; then
    cat "$file"
  else
    gpg_with_key --decrypt "$file"
  fi
}

# pg_restore reading a dump from standard input, which it then drains: --list stops reading after the
# table of contents, and gpg writing the rest must not die of SIGPIPE (pipefail would count that).
pg_restore_stdin() {
  local rc=0
  "$PG_RESTORE" "$@" || rc=$?
  cat >/dev/null
  return $rc
}

# Checks a dump: it decrypts with the backup key, its table of contents reads (pg_restore --list), and
# every data block reads (a full read into /dev/null), so a wrong key, a truncated file and a foreign
# file are each caught.
verify_dump() {
  local file=$1 err
  [ -f "$file" ] || { echo "no such file: $file"; return 1; }
  [ -s "$file" ] || { echo "$file is empty"; return 1; }
  [ -n "$PG_RESTORE" ] || { echo "pg_restore not found"; return 1; }
  if ! err=$(dump_plaintext "$file" 2>&1 >/dev/null); then
    echo "$file cannot be decrypted with this backup key: wrong BACKUP_KEY, or a damaged or foreign file (gpg: $(printf '%s' "$err" | grep -v '^[[:space:]]*$' | tail -1 | sed 's/^gpg: //'))"
    return 1
  fi
  if ! err=$(dump_plaintext "$file" 2>/dev/null | pg_restore_stdin --list 2>&1 >/dev/null); then
    echo "$file is not a valid dump (pg_restore --list: $(printf '%s' "$err" | head -1 | sed 's/^pg_restore: //'))"
    return 1
  fi
  if ! err=$(dump_plaintext "$file" 2>/dev/null | "$PG_RESTORE" --file=/dev/null 2>&1 >/dev/null) || [ -n "$err" ]; then
    echo "$file is damaged (pg_restore: $(printf '%s' "$err" | head -1 | sed 's/^pg_restore: //'))"
    return 1
  fi
}

# Tables with data in a verified dump.
dump_tables() { dump_plaintext "$1" 2>/dev/null | pg_restore_stdin --list | grep -c ' TABLE DATA ' || true; }

# The migration worker as a command in the array WORKER: KENNWILLIAMSON_WORKER (path to
# KennWilliamson.MigrationService.dll), else the newest build in KennWilliamson.MigrationService/bin,
# else `dotnet run --project` (builds it first).
find_worker() {
  command -v dotnet >/dev/null || fail "dotnet not found: the .NET SDK runs the migration worker"
  WORKER=()
  if [ -n "${KENNWILLIAMSON_WORKER:-}" ]; then
    [ -f "$KENNWILLIAMSON_WORKER" ] || fail "KENNWILLIAMSON_WORKER: no such file $KENNWILLIAMSON_WORKER"
    WORKER=(dotnet "$KENNWILLIAMSON_WORKER")
    return
  fi
  local dll
  dll=$(ls -t "$REPO_ROOT"/KennWilliamson.MigrationService/bin/*/net10.0/KennWilliamson.MigrationService.dll 2>/dev/null | head -1 || true)
  if [ -n "$dll" ]; then
    WORKER=(dotnet "$dll")
  else
    WORKER=(dotnet run --project "$REPO_ROOT/KennWilliamson.MigrationService" --)
  fi
}
