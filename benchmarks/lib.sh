#!/usr/bin/env bash
# Shared helpers for the benchmark scripts: start the AppHost in local mode on non-default ports with a
# fresh data directory, wait for a healthy API, seed users and timers with SQL, stop everything.
# Sourced, not run. Everything listens on loopback only.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS="$REPO/benchmarks/results"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
# Client tools (psql, pgbench): PG_BIN's own, else the machine's newest Debian ones (a server-only
# build such as .ci/install-postgres.sh's has none; libpq clients talk to newer servers fine).
PG_CLIENT_BIN=${PG_CLIENT_BIN:-$([ -x "$PG_BIN/psql" ] && echo "$PG_BIN" || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
# Build configuration the AppHost runs (and so the API and worker): Debug, as `dotnet run` does, or
# Release after `dotnet build -c Release KennWilliamson.AppHost`.
CONFIGURATION=${CONFIGURATION:-Debug}
PG_PORT=${PG_PORT:-55433}
API_PORT=${API_PORT:-18080}
DASH_PORT=${DASH_PORT:-18888}
OTLP_PORT=${OTLP_PORT:-18889}
RESOURCE_PORT=${RESOURCE_PORT:-18890}
# Throwaway secrets for the throwaway cluster: new each run, never stored.
PG_PASSWORD=${PG_PASSWORD:-bench$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
APP_PASSWORD=${APP_PASSWORD:-app$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
JWT_KEY=${JWT_KEY:-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 64)}
# Every seeded user's password (one PBKDF2 hash, computed by the API's register endpoint, is reused).
BENCH_PASSWORD=BenchPassword1
APPHOST_PID=""
APPHOST_LOG=""
DATA_DIR=""

log() { echo "[$(date +%T)] $*" >&2; }
fail() { echo "benchmark: $*" >&2; exit 1; }

require_free_ports() {
  local p
  for p in "$@"; do
    if ss -ltnH "sport = :$p" | grep -q .; then
      fail "port $p is in use (ss -ltn); free it or set the matching *_PORT variable"
    fi
  done
}

psql_pg() { PGPASSWORD=$PG_PASSWORD "$PG_CLIENT_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${PGDATABASE:-kennwilliamson}" -X -v ON_ERROR_STOP=1 -qAt "$@"; }

# start_apphost DATA_DIR LOG [extra AppHost args...]: starts it in the background (APPHOST_PID).
start_apphost() {
  DATA_DIR=$1; APPHOST_LOG=$2; shift 2
  require_free_ports "$PG_PORT" "$API_PORT" "$DASH_PORT" "$OTLP_PORT" "$RESOURCE_PORT"
  # The launch profile would pin the dashboard to 15888: set its environment here instead.
  ( cd "$REPO" && exec env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
      ASPIRE_ALLOW_UNSECURED_TRANSPORT=true ASPNETCORE_URLS="http://localhost:$DASH_PORT" \
      ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$OTLP_PORT" \
      ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$RESOURCE_PORT" \
      dotnet run --project KennWilliamson.AppHost -c "$CONFIGURATION" --no-build --no-launch-profile -- \
      --Postgres:Mode=local --Postgres:DataDirectory="$DATA_DIR" --Postgres:Port="$PG_PORT" \
      --Api:HttpPort="$API_PORT" \
      --Parameters:postgres-password="$PG_PASSWORD" --Parameters:app-db-password="$APP_PASSWORD" \
      --Parameters:jwt-signing-key="$JWT_KEY" "$@" ) >"$APPHOST_LOG" 2>&1 &
  APPHOST_PID=$!
}

# start_load_run NAME: sets stamp, work (a temporary folder), out and json (NAME's results files), starts
# the AppHost with the auth and timer write rate limits lifted and waits for a healthy API; on exit the
# AppHost is stopped and the folder removed.
start_load_run() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  work=$(mktemp -d "/tmp/bench-$1.XXXXXX")
  chmod 755 "$work"
  out="$RESULTS/$1-$stamp.txt"
  json="$RESULTS/$1-$stamp.json"
  mkdir -p "$RESULTS"
  trap 'stop_apphost; rm -rf "$work"' EXIT
  trap 'log "stopped (time bound or signal)"; exit 143' TERM INT
  log "starting the AppHost (data in $work/pgdata)"
  # TRACE_SAMPLE_RATIO: the share of traces the API keeps (Telemetry:TraceSampleRatio; unset: every one);
  # MAX_TRACES_PER_SECOND: its cap on traces a second (Telemetry:MaxTracesPerSecond; unset: the API's 100).
  start_apphost "$work/pgdata" "$work/apphost.log" \
    --RateLimiting:Auth:PermitLimit=100000000 --RateLimiting:TimerWrites:PermitLimit=100000000 \
    ${TRACE_SAMPLE_RATIO:+--Telemetry:TraceSampleRatio=$TRACE_SAMPLE_RATIO} \
    ${MAX_TRACES_PER_SECOND:+--Telemetry:MaxTracesPerSecond=$MAX_TRACES_PER_SECOND}
  wait_healthy 180
}

# wait_healthy SECONDS: until GET /api/health/db answers 200 (fails after SECONDS).
wait_healthy() {
  local deadline=$((SECONDS + $1))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$API_PORT/api/health/db")" = 200 ]; do
    kill -0 "$APPHOST_PID" 2>/dev/null || fail "the AppHost exited; see $APPHOST_LOG"
    [ $SECONDS -lt $deadline ] || fail "no healthy API within $1 s; see $APPHOST_LOG"
    sleep 0.2
  done
}

# stop_apphost: SIGTERM to the AppHost (it stops its resources, PostgreSQL included), wait up to 60 s;
# then SIGTERM to any process of this worktree's API or worker left behind (by pid).
stop_apphost() {
  [ -n "$APPHOST_PID" ] || return 0
  local host i pid
  host=$(pgrep -f "$REPO/KennWilliamson.AppHost/bin/" | head -1 || true)
  kill -TERM "${host:-$APPHOST_PID}" 2>/dev/null || true
  for i in $(seq 1 120); do kill -0 "$APPHOST_PID" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$APPHOST_PID" 2>/dev/null; then
    log "the AppHost did not stop within 60 s: SIGKILL"
    kill -KILL "$APPHOST_PID" ${host:+"$host"} 2>/dev/null || true
  fi
  wait "$APPHOST_PID" 2>/dev/null || true
  for i in $(seq 1 20); do pgrep -f "$REPO/KennWilliamson.(Api|MigrationService)" >/dev/null || break; sleep 0.5; done
  for pid in $(pgrep -f "$REPO/KennWilliamson.(Api|MigrationService)" || true); do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for i in $(seq 1 40); do
    ss -ltnH "sport = :$PG_PORT" | grep -q . || ss -ltnH "sport = :$API_PORT" | grep -q . || break
    sleep 0.5
  done
  APPHOST_PID=""
}

# The port the API process of this worktree listens on itself (API_PORT, since the AppHost no longer proxies it).
api_direct_port() {
  local pid port=""
  pid=$(pgrep -f "$REPO/KennWilliamson.Api/bin/" | head -1 || true)
  [ -z "$pid" ] || port=$(ss -ltnpH 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -1)
  echo "${port:-$API_PORT}"
}

# seed_bench_data USERS TIMERS: register one user through the API (for a real PBKDF2 hash), then copy
# that hash to USERS users bench-1..USERS (email bench-N@example.com, slug bench-N, role user, id
# 00000000-0000-7000-8000-<N, 12 digits> so pgbench can compute it) with TIMERS/USERS timers each.
seed_bench_data() {
  local users=$1 timers=$2 per
  per=$((timers / users))
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"hash-source@example.com\",\"password\":\"$BENCH_PASSWORD\",\"display_name\":\"Hash Source\"}" \
    "http://127.0.0.1:$API_PORT/api/auth/register" || fail "register (for the password hash) failed"
  psql_pg <<SQL
BEGIN;
INSERT INTO users (id, email, password_hash, display_name, slug)
SELECT ('00000000-0000-7000-8000-' || lpad(n::text, 12, '0'))::uuid, 'bench-' || n || '@example.com',
       (SELECT password_hash FROM users WHERE email = 'hash-source@example.com'), 'Bench ' || n, 'bench-' || n
FROM generate_series(1, $users) n;
INSERT INTO user_roles (user_id, role_id)
SELECT u.id, r.id FROM users u, roles r WHERE r.name = 'user' AND u.slug LIKE 'bench-%';
INSERT INTO incident_timers (user_id, reset_timestamp, notes)
SELECT ('00000000-0000-7000-8000-' || lpad(u::text, 12, '0'))::uuid,
       now() - (random() * interval '365 days'), 'Seeded timer ' || t
FROM generate_series(1, $users) u, generate_series(1, $per) t;
COMMIT;
ANALYZE;
SQL
}

# mint_tokens N FILE: N access tokens (users bench-1..N), signed with this run's key, one a line.
mint_tokens() {
  JWT_KEY="$JWT_KEY" python3 - "$1" >"$2" <<'PY'
import base64, hashlib, hmac, json, os, sys, time
key = os.environ["JWT_KEY"].encode()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
for n in range(1, int(sys.argv[1]) + 1):
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": "00000000-0000-7000-8000-%012d" % n, "email": "bench-%d@example.com" % n,
        "roles": ["user"], "iss": "kennwilliamson-api", "aud": "kennwilliamson-web",
        "iat": now, "nbf": now, "exp": now + 7200}).encode())
    sig = b64(hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest())
    print(head + "." + body + "." + sig)
PY
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
