#!/usr/bin/env bash
# Where a public read's time goes, before any optimisation: starts the AppHost (local mode, seeded like
# api-vs-db.sh), drives GET /api/{slug}/incident-timer with wrk (32 connections) for DURATION seconds
# while dotnet-trace (a local .NET tool: `dotnet tool restore`) samples the API process's thread
# stacks (profile dotnet-sampled-thread-time), then writes the report: each request stage's share of the
# samples that were running code (benchmarks/profile-stages.py) and the methods with the most inclusive
# samples. Writes benchmarks/results/profile-<time>.txt; the speedscope file (open it at speedscope.app)
# goes to benchmarks/results/tmp/, which is not committed.
#   ENDPOINT (public-read)  DURATION (20)  CONFIGURATION (Release here: build it first)
KEEP_WORK=${KEEP_WORK:-}
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 900 bash "$0" "$@"
export CONFIGURATION=${CONFIGURATION:-Release}
source "$(dirname "$0")/lib.sh"
ENDPOINT=${ENDPOINT:-public-read}
DURATION=${DURATION:-20}
HERE="$REPO/benchmarks/api-vs-db"
command -v wrk >/dev/null || { log "installing wrk"; { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null; }
(cd "$REPO" && dotnet tool restore >/dev/null) || fail "dotnet tool restore failed"

start_load_run profile
log "seeding 10,000 users and 100,000 timers"
seed_bench_data 10000 100000
mint_tokens 1000 "$work/tokens"
port=$(api_direct_port)
api_pid=$(pgrep -f "$REPO/KennWilliamson.Api/bin/" | head -1)
wrk_run() {
  LUA_DIR="$HERE" TOKENS_FILE="$work/tokens" wrk -t 2 -c 32 -d "${1}s" --timeout 30s \
    -s "$HERE/$ENDPOINT.lua" "http://127.0.0.1:$port" 2>&1 | sed -n 's/^RESULT //p'
}
log "warming up"
wrk_run 10 >/dev/null
log "tracing the API (pid $api_pid) for $DURATION s under load"
(cd "$REPO" && dotnet dotnet-trace collect -p "$api_pid" --profile dotnet-sampled-thread-time \
  --duration "00:00:00:$(printf '%02d' "$DURATION")" --format Speedscope -o "$work/api.nettrace" >"$work/trace.log" 2>&1) &
trace=$!
sleep 2
load=$(wrk_run $((DURATION - 3)))
wait $trace || fail "dotnet-trace failed: $(tail -3 "$work/trace.log")"
{
  echo "# profile $stamp: $ENDPOINT, $CONFIGURATION build, 32 connections, $(nproc) cores; wrk during the trace: $load"
  echo
  (cd "$REPO" && dotnet dotnet-trace report "$work/api.nettrace" topN --inclusive -n 400 -v) > "$work/inclusive.txt"
  python3 "$REPO/benchmarks/profile-stages.py" "$work/api.speedscope.json"
  echo
  echo "## Top 40 methods by inclusive samples"
  echo
  head -45 "$work/inclusive.txt"
} > "$RESULTS/profile-$stamp.txt"
mkdir -p "$RESULTS/tmp"; cp "$work/api.speedscope.json" "$RESULTS/tmp/profile-$stamp.speedscope.json"
log "results: $RESULTS/profile-$stamp.txt"
