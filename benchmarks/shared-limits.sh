#!/usr/bin/env bash
# What the limits shared by all replicas cost (RateLimiting:Shared, counted in PostgreSQL) against each replica
# counting alone, with 1 and 3 API replicas (Api:Replicas; 3 sit behind Aspire's proxy on the same port).
# For each configuration, in the order 1 shared, 1 alone, 3 alone, 3 shared (so each pair is side by side and
# the order alternates): a fresh AppHost with the limits lifted (every request passes, every check still
# runs), 10,000 users and 100,000 timers seeded, then wrk (-c 32) on the public read, timer create, login and
# register. Prints one JSON line per measurement and the shared/alone ratios; writes
# benchmarks/results/shared-limits-<time>.{txt,json}. Bounded: stopped after 30 min.
#   DURATION (10, seconds per measurement; login and register get AUTH_DURATION, 20)
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 1800 bash "$0" "$@"
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-10}
AUTH_DURATION=${AUTH_DURATION:-20}
CONNECTIONS=32
HERE="$REPO/benchmarks/api-vs-db"
command -v wrk >/dev/null || { log "installing wrk"; { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$RESULTS/shared-limits-$stamp.txt"
json="$RESULTS/shared-limits-$stamp.json"
mkdir -p "$RESULTS"
: >"$json"
trap 'stop_apphost; rm -rf "${work:-}"' EXIT
trap 'log "stopped (time bound or signal)"; exit 143' TERM INT

measure() { # replicas shared
  work=$(mktemp -d "/tmp/bench-shared-limits.XXXXXX"); chmod 755 "$work"
  log "AppHost: $1 replica(s), RateLimiting:Shared=$2"
  start_apphost "$work/pgdata" "$work/apphost.log" --Api:Replicas="$1" --RateLimiting:Shared="$2" \
    --RateLimiting:Auth:PermitLimit=100000000 --RateLimiting:TimerWrites:PermitLimit=100000000 \
    --RateLimiting:FailedLogins:PermitLimit=100000000
  wait_healthy 240
  seed_bench_data 10000 100000
  mint_tokens 1000 "$work/tokens"
  local ep d result
  for ep in public-read timer-create login register; do
    d=$DURATION; case $ep in login | register) d=$AUTH_DURATION ;; esac
    result=$(LUA_DIR="$HERE" TOKENS_FILE="$work/tokens" wrk -t 2 -c "$CONNECTIONS" -d "${d}s" --timeout 30s \
      -s "$HERE/$ep.lua" "http://127.0.0.1:$API_PORT" 2>&1 | sed -n 's/^RESULT //p')
    printf '{"replicas":%s,"shared":%s,"endpoint":"%s",%s\n' "$1" "$2" "$ep" "${result#\{}" | tee -a "$json"
  done
  stop_apphost
  rm -rf "$work"
}

for config in "1 true" "1 false" "3 false" "3 true"; do
  measure $config
done

python3 - "$json" <<'PY' | tee "$out"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {(r["replicas"], r["shared"], r["endpoint"]): r for r in rows}
print("endpoint      replicas  alone req/s  shared req/s  shared/alone  errors (alone, shared)")
for replicas in (1, 3):
    for ep in ("public-read", "timer-create", "login", "register"):
        a, s = by.get((replicas, False, ep)), by.get((replicas, True, ep))
        if a and s:
            print(f"{ep:<13} {replicas:>8}  {a['rps']:>11.1f}  {s['rps']:>12.1f}  {s['rps'] / a['rps']:>12.3f}  ({a['errors']}, {s['errors']})")
for ep in ("public-read", "timer-create", "login", "register"):
    one, three = by.get((1, True, ep)), by.get((3, True, ep))
    if one and three:
        print(f"{ep}: 3 replicas / 1 replica, shared: {three['rps'] / one['rps']:.3f}")
PY
