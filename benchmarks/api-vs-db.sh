#!/usr/bin/env bash
# The API against what the platform allows. Starts the AppHost (local mode, fresh data directory,
# non-default ports, rate limits lifted), seeds 10,000 users and 100,000 timers, starts the reference
# (benchmarks/reference: raw Npgsql, the same SQL, JSON and pool settings; once without auth, once with
# the same JWT validation), then for each endpoint measures, RUNS times in alternating order: wrk against
# the API, against the reference (and the JWT reference for the authenticated endpoints), and pgbench
# -M prepared running the endpoint's SQL as the API's role (-c 32 -j 2). Login's reference is the password
# hash alone (the same PBKDF2 verification per request, no database). Ends with one line of ratios.
# Writes benchmarks/results/api-vs-db-<time>.{txt,json}. Bounded: the whole run is stopped after 25 min.
#   RUNS (3)  DURATION (10, seconds per measurement; login gets LOGIN_DURATION, 30, as each login takes
#   a PBKDF2 verification)  ENDPOINTS ("public-read timer-list timer-create login")
#   SWEEP ("1 8 32 128"; empty to skip): the public read, API and reference alternated, at each of these
#   connection counts, to show where throughput flattens (the pool holds 10 connections).
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 1500 bash "$0" "$@"
source "$(dirname "$0")/lib.sh"
LOGIN_DURATION=${LOGIN_DURATION:-30}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
ENDPOINTS=${ENDPOINTS:-"public-read timer-list timer-create login"}
CONNECTIONS=32
HERE="$REPO/benchmarks/api-vs-db"

command -v wrk >/dev/null || { log "installing wrk"; { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null; }
[ -x "$PG_CLIENT_BIN/pgbench" ] || fail "no pgbench in $PG_CLIENT_BIN"
REF_PORT=${REF_PORT:-18090}
REF_JWT_PORT=${REF_JWT_PORT:-18091}
require_free_ports "$REF_PORT" "$REF_JWT_PORT"
log "building the reference (Release)"
dotnet build "$REPO/benchmarks/reference" -c Release -o "$REPO/benchmarks/reference/bin/out" >/dev/null || fail "the reference did not build"

start_load_run api-vs-db
log "seeding 10,000 users and 100,000 timers"
seed_bench_data 10000 100000
mint_tokens 1000 "$work/tokens"
port=$(api_direct_port)
log "API process on port $port (the run-mode address is $API_PORT: the same port unless a proxy sits in front)"

# The reference processes, with the connection string the API builds (DatabasePool's defaults).
REF_PIDS=()
start_reference() {
  ConnectionStrings__kennwilliamson="Host=127.0.0.1;Port=$PG_PORT;Database=kennwilliamson;Username=kennwilliamson_app;Password=$APP_PASSWORD;Maximum Pool Size=10;Minimum Pool Size=2;Timeout=30;No Reset On Close=true;Max Auto Prepare=20" \
    REFERENCE_AUTH=$2 Jwt__SigningKey=$JWT_KEY ASPNETCORE_URLS="http://127.0.0.1:$1" \
    dotnet "$REPO/benchmarks/reference/bin/out/KennWilliamson.Reference.dll" >"$work/reference-$2.log" 2>&1 &
  REF_PIDS+=($!)
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/api/bench-1/incident-timer")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || fail "the reference on port $1 did not answer; see $work/reference-$2.log"
    sleep 0.2
  done
}
trap 'kill ${REF_PIDS[*]} 2>/dev/null; stop_apphost; rm -rf "$work"' EXIT
start_reference "$REF_PORT" none
start_reference "$REF_JWT_PORT" jwt

# pgbench_run SCRIPT -> one JSON line from its per-transaction log.
pgbench_run() {
  local logdir="$work/pglog"; rm -rf "$logdir"; mkdir -p "$logdir"
  local summary
  summary=$(cd "$logdir" && PGPASSWORD=$APP_PASSWORD "$PG_CLIENT_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U kennwilliamson_app \
    -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -l --log-prefix=tx -f "$1" kennwilliamson 2>&1) || { echo "$summary" >&2; }
  local failed tps
  failed=$(echo "$summary" | sed -nE 's/.*number of failed transactions: ([0-9]+).*/\1/p'); failed=${failed:-0}
  tps=$(echo "$summary" | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  cat "$logdir"/tx* | awk '{print $3/1000}' | sort -g > "$logdir/lat"
  local n; n=$(wc -l < "$logdir/lat")
  pct() { sed -n "$(( ($n * $1 + 99) / 100 ))p" "$logdir/lat"; }
  printf '{"rps":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"errors":%s,"requests":%s}\n' \
    "${tps:-0}" "$(pct 50)" "$(pct 90)" "$(pct 99)" "$failed" "$n"
}

# CPU accounting: clock ticks (utime+stime) of the API process, of the PostgreSQL server's processes,
# and of the whole machine (/proc/stat, busy = all but idle and iowait), to show where the time goes.
api_pid=$(pgrep -f "$REPO/KennWilliamson.Api/bin/" | head -1)
pg_pid=$(ss -ltnpH "sport = :$PG_PORT" | grep -oE 'pid=[0-9]+' | head -1 | cut -d= -f2)
ticks() { local p t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
pg_ticks() { ticks "$pg_pid" $(pgrep -P "$pg_pid" | tr '\n' ' '); }
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# wrk_run SCRIPT [PORT]: the API's own port unless another is given.
wrk_run() {
  LUA_DIR="$HERE" TOKENS_FILE="$work/tokens" wrk -t "$(( CONNECTIONS < 2 ? 1 : 2 ))" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s \
    -s "$HERE/$1.lua" "http://127.0.0.1:${2:-$port}" 2>&1 | sed -n 's/^RESULT //p'
}

# The sides of an endpoint, in the order of run R: odd runs forwards, even runs backwards.
sides() {
  local list="api reference"
  case $1 in timer-list | timer-create) list="$list reference-jwt" ;; public-read) list="$list api-run-address" ;; esac
  list="$list pgbench"
  if [ $(($2 % 2)) -eq 0 ]; then echo "$list" | tr ' ' '\n' | tac | tr '\n' ' '; else echo "$list"; fi
}

{
  echo "# api-vs-db $stamp: $(nproc) cores, $CONFIGURATION build, $CONNECTIONS connections, ${DURATION}s per measurement, $RUNS runs"
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -m | awk '/Mem:/{print $2}') MB"
  echo "# telemetry on: metrics and logs to the dashboard; traces: ratio ${TRACE_SAMPLE_RATIO:-1}, at most ${MAX_TRACES_PER_SECOND:-100} a second; load average $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out"
: > "$json"

for ep in $ENDPOINTS; do
  d=$DURATION; [ "$ep" != login ] || d=$LOGIN_DURATION
  # Warm up the API (JIT, pool) and the database (cache) for this endpoint.
  DURATION=$d wrk_run "$ep" >/dev/null
  DURATION=$d wrk_run "$ep" "$REF_PORT" >/dev/null
  case $ep in timer-list | timer-create) DURATION=$d wrk_run "$ep" "$REF_JWT_PORT" >/dev/null ;; esac
  for r in $(seq 1 "$RUNS"); do
    line="{\"endpoint\":\"$ep\",\"run\":$r"
    for side in $(sides "$ep" "$r"); do
      log "$ep run $r: $side"
      case $side in
        api)
          a0=$(ticks "$api_pid"); g0=$(pg_ticks); m0=$(machine_busy)
          res=$(DURATION=$d wrk_run "$ep")
          a1=$(ticks "$api_pid"); g1=$(pg_ticks); m1=$(machine_busy)
          # CPU ms per request: the API process, PostgreSQL, and everything else on the machine (wrk, the dashboard, others).
          res=$(echo "$res" | python3 -c "import json,sys; r=json.load(sys.stdin); n=max(r['requests'],1); t=1000/$(getconf CLK_TCK)
r['cpu_ms_per_req']={'api':round(($a1-$a0)*t/n,3),'postgres':round(($g1-$g0)*t/n,3),'other':round((($m1-$m0)-($a1-$a0)-($g1-$g0))*t/n,3)}
print(json.dumps(r))") ;;
        reference) res=$(DURATION=$d wrk_run "$ep" "$REF_PORT") ;;
        # The run-mode address the AppHost gives the API (before 2026-12-03, its development proxy in front of the API).
        api-run-address) res=$(DURATION=$d wrk_run "$ep" "$API_PORT") ;;
        reference-jwt) res=$(DURATION=$d wrk_run "$ep" "$REF_JWT_PORT") ;;
        pgbench) res=$(DURATION=$d pgbench_run "$HERE/$ep.sql") ;;
      esac
      line="$line,\"$side\":$res"
    done
    echo "$line}" | tee -a "$json" >&2
  done
done

# Scaling: the public read at each connection count of SWEEP, API and reference alternated.
for c in ${SWEEP-1 8 32 128}; do
  CONNECTIONS=$c
  for r in $(seq 1 "$RUNS"); do
    line="{\"endpoint\":\"public-read c=$c\",\"run\":$r"
    order="api reference"; [ $((r % 2)) -eq 1 ] || order="reference api"
    for side in $order; do
      log "public-read at $c connections, run $r: $side"
      if [ "$side" = api ]; then res=$(wrk_run public-read); else res=$(wrk_run public-read "$REF_PORT"); fi
      line="$line,\"$side\":$res"
    done
    echo "$line}" | tee -a "$json" >&2
  done
done
CONNECTIONS=32

# The SQL the API really sent (pg_stat_statements, its role), for comparison with the pgbench scripts.
{
  echo "# statements of kennwilliamson_app (calls, mean ms, query) from pg_stat_statements"
  psql_pg -F ' | ' -c "SELECT calls, round(mean_exec_time::numeric, 3), regexp_replace(query, '\s+', ' ', 'g')
    FROM monitoring.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
    WHERE r.rolname = 'kennwilliamson_app' ORDER BY calls DESC LIMIT 25"
} > "$RESULTS/api-vs-db-$stamp-statements.txt"

python3 "$REPO/benchmarks/summarize.py" api-vs-db "$json" | tee -a "$out"
log "results: $out"
