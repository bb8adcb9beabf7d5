#!/usr/bin/env bash
# Start-up: `dotnet run --project KennWilliamson.AppHost --no-build` (local mode, non-default ports) to a
# healthy API (GET /api/health/db 200), RUNS (5) times, each with a FRESH data directory (so initdb and
# every migration are included), median. Writes benchmarks/results/startup-<time>.txt. Bounded to 15 min.
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 900 bash "$0" "$@"
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d /tmp/bench-startup.XXXXXX)
chmod 755 "$work"
out="$RESULTS/startup-$stamp.txt"
mkdir -p "$RESULTS"
trap 'stop_apphost; rm -rf "$work"' EXIT
trap 'log "stopped (time bound or signal)"; exit 143' TERM INT

echo "# startup $stamp: $(nproc) cores; fresh data directory each run; seconds from launch to /api/health/db 200" > "$out"
for r in $(seq 1 "$RUNS"); do
  t0=$(date +%s.%N)
  start_apphost "$work/pgdata-$r" "$work/apphost-$r.log"
  wait_healthy 120
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "run $r: $t s" | tee -a "$out" >&2
  stop_apphost
  rm -rf "$work/pgdata-$r"
done
m=$(grep -oE '[0-9.]+ s$' "$out" | awk '{print $1}' | median)
awk -v m="$m" 'BEGIN { printf "median: %.1f s (target <= 20 s: %s)\n", m, (m <= 20 ? "met" : "MISSED") }' | tee -a "$out"
