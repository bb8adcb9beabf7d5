#!/usr/bin/env bash
# UUIDv7 costs on a throwaway PostgreSQL server (initdb in a temporary folder, loopback, PG_PORT_UUID
# 55434) with postgres/uuidv7.sql loaded:
#  1. generating 1,000,000 values with uuid_generate_v7() (the portable SQL) vs gen_random_uuid(), and on
#     PostgreSQL 18+ the built-in uuidv7() too, same session, alternated GEN_ROUNDS (3) times, median;
#     PG_BIN=/opt/kennwilliamson-postgres/18/bin runs it on 18 (.ci/install-postgres.sh);
#  2. INSERTS (1,000,000) single-row INSERTs through pgbench -t (4 clients, 2 threads) into a new table whose
#     key defaults to uuid_generate_v7() vs one defaulting to gen_random_uuid(), alternated INSERT_ROUNDS
#     (3) times, medians: time, WAL bytes (pg_current_wal_lsn difference), pkey index size (pg_relation_size).
# synchronous_commit=off (WAL is still written in full, just not flushed per commit: the machine's disk
# would otherwise dominate). Writes benchmarks/results/uuidv7-<time>.txt. Bounded to 20 minutes.
[ -n "${BENCH_BOUNDED:-}" ] || BENCH_BOUNDED=1 exec timeout -s TERM 1200 bash "$0" "$@"
source "$(dirname "$0")/lib.sh"
PG_PORT=${PG_PORT_UUID:-55434}
PGDATABASE=postgres
INSERTS=${INSERTS:-1000000}
GEN_ROUNDS=${GEN_ROUNDS:-3}
INSERT_ROUNDS=${INSERT_ROUNDS:-3}
CLIENTS=4

require_free_ports "$PG_PORT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d /tmp/bench-uuid.XXXXXX)
chmod 755 "$work"
out="$RESULTS/uuidv7-$stamp.txt"
mkdir -p "$RESULTS"
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
cleanup() {
  [ ! -f "$work/data/postmaster.pid" ] || as_pg "$PG_BIN/pg_ctl" -D "$work/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'log "stopped (time bound or signal)"; exit 143' TERM INT

printf '%s\n' "$PG_PASSWORD" > "$work/pw"
[ "$(id -u)" != 0 ] || chown -R postgres: "$work"
as_pg "$PG_BIN/initdb" -D "$work/data" -U postgres --pwfile="$work/pw" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$work/data" -w -t 60 -l "$work/server.log" \
  -o "-p $PG_PORT -c listen_addresses=localhost -c unix_socket_directories= -c synchronous_commit=off -c max_wal_size=4GB" start >/dev/null
psql_pg -f "$REPO/postgres/uuidv7.sql" >/dev/null
log "server on $PG_PORT, uuidv7.sql loaded"

{
  echo "# uuidv7 $stamp: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
  echo
  echo "## 1. Generating 1,000,000 values, same session ($GEN_ROUNDS rounds, alternated)"
} > "$out"

# One session: alternate the generators, each timed with clock_timestamp(). PostgreSQL 18 has uuidv7() built in.
major=$(psql_pg -c "SELECT current_setting('server_version_num')::int / 10000")
generators="gen_random_uuid uuid_generate_v7"
[ "$major" -lt 18 ] || generators="$generators uuidv7"
gen=$(psql_pg <<SQL
CREATE FUNCTION pg_temp.ms(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN EXECUTE q; RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END \$\$;
SELECT 'warmup', pg_temp.ms('SELECT count(uuid_generate_v7()) FROM generate_series(1, 100000)');
$(for i in $(seq 1 "$GEN_ROUNDS"); do
  for f in $generators; do
    echo "SELECT '$f', pg_temp.ms('SELECT count($f()) FROM generate_series(1, 1000000)');"
  done
done)
SQL
)
v4_gen=$(echo "$gen" | awk -F'|' '$1=="gen_random_uuid"{print $2}' | median)
v7_gen=$(echo "$gen" | awk -F'|' '$1=="uuid_generate_v7"{print $2}' | median)
{
  echo '```'; echo "$gen" | grep -v warmup; echo '```'
  echo "| function | median ms per 1,000,000 | ns per value |"
  echo "|---|---|---|"
  awk -v a="$v4_gen" -v b="$v7_gen" 'BEGIN {
    printf "| gen_random_uuid() | %.0f | %.0f |\n| uuid_generate_v7() (portable) | %.0f | %.0f |\n", a, a, b, b
    printf "\nuuid_generate_v7 / gen_random_uuid = %.2f (target <= 2.00: %s)\n", b / a, (b / a <= 2 ? "met" : "MISSED") }'
  if [ "$major" -ge 18 ]; then
    c=$(echo "$gen" | awk -F'|' '$1=="uuidv7"{print $2}' | median)
    awk -v a="$v4_gen" -v b="$v7_gen" -v c="$c" 'BEGIN {
      printf "| uuidv7() (built in, what the migrations use on 18+) | %.0f | %.0f |\n", c, c
      printf "\nbuilt-in uuidv7 / gen_random_uuid = %.2f; portable / built-in = %.2f\n", c / a, b / c }'
  fi
  echo
  echo "## 1b. One value per statement (pgbench -T 10, 2 clients, prepared), alternated $GEN_ROUNDS rounds"
  echo "| round | statement | statements/s |"
  echo "|---|---|---|"
} >> "$out"
for r in $(seq 1 "$GEN_ROUNDS"); do
  for f in gen_random_uuid uuid_generate_v7; do
    echo "SELECT $f();" > "$work/one-$f.sql"
    tps=$(PGPASSWORD=$PG_PASSWORD "$PG_CLIENT_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared \
          -c 2 -j 2 -T 10 -f "$work/one-$f.sql" postgres 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
    echo "| $r | SELECT $f() | $tps |" >> "$out"
    echo "$f $tps" >> "$work/one"
  done
done
{
  a=$(awk '$1=="gen_random_uuid"{print $2}' "$work/one" | median); b=$(awk '$1=="uuid_generate_v7"{print $2}' "$work/one" | median)
  awk -v a="$a" -v b="$b" 'BEGIN { printf "\nmedians: gen_random_uuid %.0f/s (%.1f us each), uuid_generate_v7 %.0f/s (%.1f us each); per statement v7 costs %.1f us more on 2 clients\n", a, 2e6 / a, b, 2e6 / b, 2e6 / b - 2e6 / a }'
  echo
  echo "## 2. $INSERTS single-row INSERTs per table (pgbench -t, $CLIENTS clients, 2 threads, prepared), $INSERT_ROUNDS rounds alternated"
} >> "$out"

insert_run() { # insert_run TABLE DEFAULT -> "seconds tps wal_bytes pkey_bytes"
  psql_pg -q -c "SET client_min_messages = warning; DROP TABLE IF EXISTS $1; CREATE TABLE $1 (id uuid PRIMARY KEY DEFAULT $2, n int NOT NULL, created_at timestamptz NOT NULL DEFAULT now()); CHECKPOINT;"
  echo "INSERT INTO $1 (n) VALUES (1);" > "$work/$1.sql"
  local lsn0 t0 t1 lsn1 tps
  lsn0=$(psql_pg -c "SELECT pg_current_wal_lsn()")
  t0=$(date +%s.%N)
  tps=$(PGPASSWORD=$PG_PASSWORD "$PG_CLIENT_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared \
        -c "$CLIENTS" -j 2 -t $((INSERTS / CLIENTS)) -f "$work/$1.sql" postgres 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  t1=$(date +%s.%N)
  lsn1=$(psql_pg -c "SELECT pg_current_wal_lsn()")
  echo "$(echo "$t1 - $t0" | bc) $tps $(psql_pg -c "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')") $(psql_pg -c "SELECT pg_relation_size('${1}_pkey')") $(psql_pg -c "SELECT count(*) FROM $1")"
}
for r in $(seq 1 "$INSERT_ROUNDS"); do
  log "round $r: inserting with v4 keys"; echo "v4 $(insert_run keys_v4 "gen_random_uuid()")" >> "$work/inserts"
  log "round $r: inserting with v7 keys"; echo "v7 $(insert_run keys_v7 "uuid_generate_v7()")" >> "$work/inserts"
done
{
  echo "| round | keys | rows | seconds | inserts/s (pgbench tps) | WAL bytes | pkey index bytes |"
  echo "|---|---|---|---|---|---|---|"
  awk '{ r[$1]++; printf "| %d | %s | %d | %.1f | %.0f | %d | %d |\n", r[$1], ($1 == "v4" ? "v4 gen_random_uuid()" : "v7 uuid_generate_v7()"), $6, $2, $3, $4, $5 }' "$work/inserts"
  med() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$work/inserts" | median; }
  t4=$(med v4 3); t7=$(med v7 3); w4=$(med v4 4); w7=$(med v7 4); p4=$(med v4 5); p7=$(med v7 5)
  echo
  echo "Medians: v4 $t4 inserts/s, WAL $w4 B, pkey $p4 B; v7 $t7 inserts/s, WAL $w7 B, pkey $p7 B"
  awk -v t4="$t4" -v t7="$t7" -v w4="$w4" -v w7="$w7" -v p4="$p4" -v p7="$p7" 'BEGIN {
    printf "\nv7/v4 throughput = %.2f (target >= 0.95: %s)\n", t7 / t4, (t7 / t4 >= 0.95 ? "met" : "MISSED")
    printf "v7/v4 pkey index size = %.2f (target <= 0.80: %s)\n", p7 / p4, (p7 / p4 <= 0.8 ? "met" : "MISSED")
    printf "v7/v4 WAL bytes = %.2f\n", w7 / w4 }'
} >> "$out"
cat "$out"
