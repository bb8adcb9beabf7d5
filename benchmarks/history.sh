#!/usr/bin/env bash
# Issue 16: do the public read and the first list page cost the same whatever the caller's history?
# Starts the AppHost (local mode, fresh data directory, rate limits lifted), seeds the api-vs-db data
# (10,000 users, 100,000 timers) plus three callers with 10, 1,000 and 20,000 timers, then runs wrk on
# each endpoint for each caller, alternating the callers within every round (ROUNDS rounds), so load
# from other work hits all three alike; requests/s and CPU per request (API + PostgreSQL). Endpoints:
# public-read, timer-list (the default first page: 10 rows for the 10-timer caller, 100 for the others)
# and timer-list-10 (?limit=10: the same page for all three, so only the history differs).
# Writes benchmarks/results/history-<time>.{txt,json}. Bounded: the whole run is stopped after 15 min.
#   ROUNDS (5)  DURATION (3, seconds per measurement)  CONNECTIONS (8)  ENDPOINTS
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 900 bash "$0" "$@"
# Ports of their own, so api-vs-db.sh in another checkout can run at the same time.
PG_PORT=${PG_PORT:-55443} API_PORT=${API_PORT:-18081} DASH_PORT=${DASH_PORT:-18898} OTLP_PORT=${OTLP_PORT:-18899} RESOURCE_PORT=${RESOURCE_PORT:-18900}
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-3}
CONNECTIONS=${CONNECTIONS:-8}
ENDPOINTS=${ENDPOINTS:-"public-read timer-list timer-list-10"}
SIZES="10 1000 20000"
HERE="$REPO/benchmarks/history"

command -v wrk >/dev/null || { log "installing wrk"; { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null; }
start_load_run history
log "seeding 10,000 users and 100,000 timers, then callers history-10, history-1000, history-20000"
seed_bench_data 10000 100000
# The callers are users 10001..10003 in the bench id scheme (so mint_tokens signs their tokens).
n=10000
for size in $SIZES; do
  n=$((n + 1))
  psql_pg <<SQL
INSERT INTO users (id, email, password_hash, display_name, slug)
SELECT ('00000000-0000-7000-8000-' || lpad('$n', 12, '0'))::uuid, 'history-$size@example.com', password_hash, 'History $size', 'history-$size'
FROM users WHERE email = 'hash-source@example.com';
INSERT INTO incident_timers (user_id, reset_timestamp, notes)
SELECT ('00000000-0000-7000-8000-' || lpad('$n', 12, '0'))::uuid, now() - (random() * interval '365 days'), 'History timer ' || t
FROM generate_series(1, $size) t;
SQL
done
psql_pg -c "ANALYZE"
mint_tokens 10003 "$work/all-tokens"
tail -3 "$work/all-tokens" > "$work/tokens"
port=$(api_direct_port)
log "API process on port $port"

# CPU ticks (utime+stime) of the API process and of PostgreSQL's processes: cost per request, which
# other work on the machine disturbs less than requests/s.
api_pid=$(pgrep -f "$REPO/KennWilliamson.Api/bin/" | head -1)
pg_pid=$(ss -ltnpH "sport = :$PG_PORT" | grep -oE 'pid=[0-9]+' | head -1 | cut -d= -f2)
ticks() { local p t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
all_ticks() { ticks "$api_pid" "$pg_pid" $(pgrep -P "$pg_pid" | tr '\n' ' '); }

# wrk_run ENDPOINT SIZE: public-read, timer-list (default page) or timer-list-10 (?limit=10, the same
# page size for every caller: only the history differs); prints wrk's JSON with cpu_ms_per_req added.
wrk_run() {
  local i token script=$1 query="" t0 t1 res
  i=$(echo "$SIZES" | tr ' ' '\n' | grep -nx "$2" | cut -d: -f1)
  token=$(sed -n "${i}p" "$work/tokens")
  [ "$1" != timer-list-10 ] || { script=timer-list; query="?limit=10"; }
  t0=$(all_ticks)
  res=$(LUA_DIR="$HERE" SLUG="history-$2" TOKEN="$token" QUERY="$query" wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s \
    -s "$HERE/$script.lua" "http://127.0.0.1:$port" 2>&1 | sed -n 's/^RESULT //p')
  t1=$(all_ticks)
  echo "$res" | python3 -c "import json,sys; r=json.load(sys.stdin); r['cpu_ms_per_req']=round(($t1-$t0)*1000/$(getconf CLK_TCK)/max(r['requests'],1),4); print(json.dumps(r))"
}

{
  echo "# history $stamp: $(nproc) cores, $CONFIGURATION build, $CONNECTIONS connections, ${DURATION}s per measurement, $ROUNDS rounds"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out"
: > "$json"

# What each caller's first page and public read return (bytes), and what PostgreSQL reads for them.
for size in $SIZES; do
  i=$(echo "$SIZES" | tr ' ' '\n' | grep -nx "$size" | cut -d: -f1)
  list=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $(sed -n "${i}p" "$work/tokens")" "http://127.0.0.1:$port/api/incident-timers")
  pub=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/api/history-$size/incident-timer")
  echo "# caller history-$size: first list page $list bytes, public read $pub bytes" >> "$out"
done

for ep in $ENDPOINTS; do for size in $SIZES; do wrk_run "$ep" "$size" >/dev/null; done; done # warm-up: JIT, pool, cache
for r in $(seq 1 "$ROUNDS"); do
  # Each round starts with another caller, so a burst of outside load does not always hit the same one.
  order=$(echo "$SIZES" | tr ' ' '\n' | awk -v r="$r" '{a[NR]=$0} END {for (i = 0; i < NR; i++) print a[(i + r - 1) % NR + 1]}')
  for ep in $ENDPOINTS; do
    for size in $order; do
      log "$ep, $size timers, round $r"
      res=$(wrk_run "$ep" "$size")
      echo "{\"endpoint\":\"$ep\",\"timers\":$size,\"round\":$r,\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",\"api\":$res}" | tee -a "$json" >&2
    done
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"

# The statements the API sent for these two endpoints (pg_stat_statements), for the record.
psql_pg -F ' | ' -c "SELECT calls, round(mean_exec_time::numeric, 4), regexp_replace(query, '\s+', ' ', 'g')
  FROM monitoring.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
  WHERE r.rolname = 'kennwilliamson_app' AND (query LIKE '%public timer read%' OR query LIKE '%timer list page%') ORDER BY calls DESC" \
  > "$RESULTS/history-$stamp-statements.txt"

python3 "$REPO/benchmarks/summarize.py" history "$json" | tee -a "$out"
log "results: $out"
