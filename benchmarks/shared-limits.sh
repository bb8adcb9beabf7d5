#!/usr/bin/env bash
# What the limits shared by all replicas cost (RateLimiting:Shared, counted in Redis) against each replica
# counting alone, with 1 and 3 API replicas (Api:Replicas; 3 sit behind Aspire's proxy on the same port).
# Each configuration runs twice, in the order shared, alone, alone, shared for 1 replica, then alone, shared,
# shared, alone for 3 (so drift over the run cancels out): a fresh AppHost with the limits lifted (every
# request passes, every check still runs), 10,000 users and 100,000 timers seeded, then wrk (-c 32) on the
# public read and timer create ROUNDS times, then login and register once. Around each wrk run the CPU time of
# the API replicas, PostgreSQL, Redis and the rest is read (cpu-by-process.py), so each line also carries CPU
# microseconds per request, which the machine's noise moves far less than req/s. Prints one JSON line per
# measurement and, per endpoint, the median req/s of each side and their ratio, then CPU per request; writes
# benchmarks/results/shared-limits-<time>.{txt,json}. Bounded: stopped after 40 min.
#   DURATION (10, seconds per measurement; login and register get AUTH_DURATION, 10), ROUNDS (3)
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 2400 bash "$0" "$@"
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-10}
AUTH_DURATION=${AUTH_DURATION:-10}
ROUNDS=${ROUNDS:-3}
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
  local ep d result round
  for ep in $(for round in $(seq "$ROUNDS"); do echo public-read timer-create; done) login register; do
    d=$DURATION; case $ep in login | register) d=$AUTH_DURATION ;; esac
    before=$(python3 "$REPO/benchmarks/cpu-by-process.py")
    result=$(LUA_DIR="$HERE" TOKENS_FILE="$work/tokens" wrk -t 2 -c "$CONNECTIONS" -d "${d}s" --timeout 30s \
      -s "$HERE/$ep.lua" "http://127.0.0.1:$API_PORT" 2>&1 | sed -n 's/^RESULT //p')
    requests=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["requests"])' "$result")
    cpu=$(python3 "$REPO/benchmarks/cpu-by-process.py" "$before" "$requests")
    printf '{"replicas":%s,"shared":%s,"endpoint":"%s",%s,%s\n' "$1" "$2" "$ep" "$cpu" "${result#\{}" | tee -a "$json"
  done
  stop_apphost
  rm -rf "$work"
}

for config in "1 true" "1 false" "1 false" "1 true" "3 false" "3 true" "3 true" "3 false"; do
  measure $config
done

python3 - "$json" <<'PY' | tee "$out"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(replicas, shared, ep):
    rps = [r["rps"] for r in rows if (r["replicas"], r["shared"], r["endpoint"]) == (replicas, shared, ep)]
    return (statistics.median(rps), len(rps), sum(r["errors"] for r in rows if (r["replicas"], r["shared"], r["endpoint"]) == (replicas, shared, ep))) if rps else None
print("endpoint      replicas  alone req/s (n)  shared req/s (n)  shared/alone  errors (alone, shared)")
for replicas in (1, 3):
    for ep in ("public-read", "timer-create", "login", "register"):
        a, s = med(replicas, False, ep), med(replicas, True, ep)
        if a and s:
            print(f"{ep:<13} {replicas:>8}  {a[0]:>11.1f} ({a[1]:>2})  {s[0]:>12.1f} ({s[1]:>2})  {s[0] / a[0]:>12.3f}  ({a[2]}, {s[2]})")
for ep in ("public-read", "timer-create", "login", "register"):
    one, three = med(1, True, ep), med(3, True, ep)
    if one and three:
        print(f"{ep}: 3 replicas / 1 replica, shared: {three[0] / one[0]:.3f}")
def cpu(replicas, shared, ep, kind):
    return statistics.median(r[f"cpu_{kind}_us"] for r in rows if (r["replicas"], r["shared"], r["endpoint"]) == (replicas, shared, ep))
kinds = ("api", "postgres", "redis", "other")
print("CPU microseconds per request, medians (api + postgres + redis + other = total); alone -> shared")
for replicas in (1, 3):
    for ep in ("public-read", "timer-create"):
        a, s = ({k: cpu(replicas, sh, ep, k) for k in kinds} for sh in (False, True))
        ta, ts = sum(a.values()), sum(s.values())
        print(f"{ep:<13} {replicas}: " + ", ".join(f"{k} {a[k]:.0f} -> {s[k]:.0f}" for k in kinds)
              + f"; total {ta:.0f} -> {ts:.0f} (alone/shared {ta / ts:.3f})")
PY
