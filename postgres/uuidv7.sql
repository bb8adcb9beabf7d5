-- uuidv7.sql: the five functions of the pg_uuidv7 extension (fboulnois/pg_uuidv7 v1.6.0)
-- in plain SQL and PL/pgSQL, for a PostgreSQL 15, 16 or 17 server that lacks the extension.
-- It needs no C extension and no pgcrypto: gen_random_uuid() has been built in since PostgreSQL 13.
--
--   uuid_generate_v7()                                 new RFC 9562 UUIDv7 (see the differences below)
--   uuid_v7_to_timestamptz(uuid)                       the 48-bit millisecond timestamp as timestamptz
--   uuid_timestamptz_to_v7(timestamptz, zero := false) a v7 UUID for that millisecond
--   uuid_v7_to_timestamp(uuid)                         the same as timestamp without time zone (UTC)
--   uuid_timestamp_to_v7(timestamp, zero := false)     the same, reading the timestamp as UTC
--
-- The script is idempotent (CREATE OR REPLACE) and creates the functions in the first schema on
-- search_path, the same place CREATE EXTENSION pg_uuidv7 puts them. Do not run it in a database
-- where the extension is installed: CREATE OR REPLACE would fail because the extension owns those
-- functions. Use one or the other. uuidv7-drop.sql removes these functions.
--
-- Bit layout (RFC 9562 section 5.7), most significant byte first:
--   bytes 0-5   unix_ts_ms  48-bit big-endian Unix time in milliseconds
--   byte  6     ver         high nibble 0111 (7), then the top 4 bits of rand_a
--   byte  7                 the low 8 bits of rand_a
--   byte  8     var         top 2 bits 10, then 6 bits of rand_b
--   bytes 9-15              the other 56 bits of rand_b
--
-- How it differs from the C extension:
--   * uuid_generate_v7() does more than pg_uuidv7 does. pg_uuidv7 fills rand_a with random bits.
--     Here rand_a holds the fraction of the millisecond, as PostgreSQL 18's uuidv7() does (RFC 9562
--     section 6.2, method 3): floor(fraction of the ms * 4096), read from clock_timestamp() in
--     microseconds. Each session also remembers the last value it issued in the custom setting
--     uuidv7.last; when the clock has not moved past it, the next value is last + 1 in the 60-bit
--     (unix_ts_ms, rand_a) space. So values from one session are strictly ascending, across
--     statements and transactions as well as inside one statement. rand_b is 62 random bits taken
--     from gen_random_uuid(). Don't set uuidv7.last yourself.
--   * Because it calls set_config(), uuid_generate_v7() is PARALLEL UNSAFE. pg_uuidv7 says
--     PARALLEL SAFE. So a query that calls it never gets a parallel plan. INSERT and COPY never run
--     in parallel anyway, and neither do column defaults.
--   * uuid_v7_to_timestamptz and uuid_v7_to_timestamp are IMMUTABLE. pg_uuidv7 says STABLE. They only
--     read bits, so IMMUTABLE is correct, and it lets expression indexes and generated columns use
--     them. Such an index cannot then be created where the C extension is installed.
--   * The *_to_v7 functions are STABLE, as in pg_uuidv7, although with zero = false they return
--     random bits. STABLE lets the planner use them as index-scan keys for range queries such as
--     WHERE id >= uuid_timestamptz_to_v7(now() - interval '1 day', true). As STABLE functions they
--     are never folded to a constant when a query is planned, so a cached plan never reuses one
--     "random" UUID.
--   * An infinite timestamp makes the same meaningless UUID as pg_uuidv7. A timestamp before 1970
--     wraps around in the same way too. None of these can be real UUIDv7 times.
--
-- How this was tuned (PostgreSQL 15, 1M rows, count(f()) FROM generate_series):
--   uuid_generate_v7() is LANGUAGE sql and a single expression with no FROM, so the planner inlines
--   it into the calling query. There is no per-call function overhead, and a PL/pgSQL version
--   costs about 1 us more per value. For this to keep working, the function must stay non-STRICT,
--   have no SET clause and not be SECURITY DEFINER. The expression uses each volatile input once.
--   The session state goes through set_config(), which returns the value it stored, and is read
--   back once with current_setting(). Arguments are evaluated left to right, so that read sees the
--   value just stored.
--   Measured: about 2x the cost of gen_random_uuid() (medians of 3 runs in five sessions: 1.98x,
--   2.02x, 2.00x, 1.86x, 1.89x), about 0.8 us extra per value on the test machine. Without the
--   per-session state it would be about 1.67x, and reading the clock with exact numeric EXTRACT
--   instead of float date_part about 2.14x.
--
-- The clock is read with date_part('epoch', ...), a float8 in seconds, multiplied by 4096000 (the
-- number of 1/4096-ms steps in a second). Rounding can move the result by one step (244 ns). From
-- about 2039 a float8 can no longer hold every step, so the sub-millisecond part gets gradually
-- coarser (about 31 us by the year 10889). Neither affects the order of one session's values,
-- which the last-value check guarantees. The conversion functions below use exact integer or
-- numeric arithmetic.

-- ---------------------------------------------------------------------------------------------
-- uuid_generate_v7(): unix_ts_ms from clock_timestamp(), rand_a = sub-millisecond fraction,
-- ascending within a session, rand_b = 62 random bits taken from gen_random_uuid().
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION uuid_generate_v7()
RETURNS uuid
LANGUAGE sql
VOLATILE
PARALLEL UNSAFE  -- set_config() cannot run during a parallel operation
AS $fn$
  SELECT pg_catalog.encode(
           pg_catalog.int8send(
               -- v = the 60-bit (unix_ts_ms << 12 | rand_a) value for this call: the clock,
               -- or last + 1 if the clock has not passed the previous value. set_config stores v
               -- for the session and returns it; v >> 12 << 16 puts unix_ts_ms in bits 63..16.
               (pg_catalog.set_config(
                    'uuidv7.last',
                    GREATEST(
                      pg_catalog.floor(
                        pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) * 4096000
                      )::bigint,
                      NULLIF(pg_catalog.current_setting('uuidv7.last', true), '')::bigint + 1
                    )::text,
                    false
                )::bigint >> 12 << 16)
               -- rand_a (the low 12 bits of the v just stored) plus version 7 (0x7000)
             | (pg_catalog.current_setting('uuidv7.last')::bigint & 4095 | 28672)
           )
           -- bytes 8-15 of a v4 UUID: variant 10 and 62 random bits
           || pg_catalog.substr(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), 9),
           'hex')::uuid
$fn$;

COMMENT ON FUNCTION uuid_generate_v7() IS
  'RFC 9562 UUIDv7: 48-bit unix ms, 12-bit sub-ms fraction (ascending per session), 62 random bits';

-- ---------------------------------------------------------------------------------------------
-- uuid_v7_to_timestamp(uuid): the first 48 bits as a UTC timestamp without time zone.
-- For 0 <= ms < 2^48 the result is exact: whole seconds and milliseconds are added as separate
-- intervals, because one float multiplication of 1 ms loses microseconds after the year 4253.
-- LANGUAGE sql, IMMUTABLE and STRICT with only strict, immutable operations, so it is inlined
-- when its argument is cheap, such as a column.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION uuid_v7_to_timestamp(uuid)
RETURNS timestamp
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  SELECT timestamp '1970-01-01 00:00:00'
       + interval '1 second'
         * (('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.uuid_send($1), 1, 6), 'hex'))::bit(48)::bigint / 1000)
       + interval '1 millisecond'
         * (('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.uuid_send($1), 1, 6), 'hex'))::bit(48)::bigint % 1000)
$fn$;

COMMENT ON FUNCTION uuid_v7_to_timestamp(uuid) IS
  'Extract the 48-bit unix millisecond timestamp of a v7 UUID as timestamp (UTC)';

-- ---------------------------------------------------------------------------------------------
-- uuid_v7_to_timestamptz(uuid): the same instant as timestamptz.
-- timezone('UTC', timestamp) is IMMUTABLE and does not depend on the session TimeZone.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION uuid_v7_to_timestamptz(uuid)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  SELECT pg_catalog.timezone('UTC',
           timestamp '1970-01-01 00:00:00'
         + interval '1 second'
           * (('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.uuid_send($1), 1, 6), 'hex'))::bit(48)::bigint / 1000)
         + interval '1 millisecond'
           * (('x' || pg_catalog.encode(pg_catalog.substr(pg_catalog.uuid_send($1), 1, 6), 'hex'))::bit(48)::bigint % 1000))
$fn$;

COMMENT ON FUNCTION uuid_v7_to_timestamptz(uuid) IS
  'Extract the 48-bit unix millisecond timestamp of a v7 UUID as timestamptz';

-- ---------------------------------------------------------------------------------------------
-- uuid_timestamptz_to_v7(timestamptz, zero): a v7 UUID whose unix_ts_ms is the timestamp
-- truncated to the millisecond. The other 74 bits are random, or all zero when zero is true, which
-- gives the smallest v7 UUID of that millisecond and suits range queries.
-- In PL/pgSQL: the random branch cannot be inlined either way (a volatile call inside a STABLE
-- function), and a PL/pgSQL call costs much less than a non-inlined SQL function call.
-- STRICT as in pg_uuidv7: any NULL argument, including zero => NULL, gives NULL.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION uuid_timestamptz_to_v7(timestamptz, zero boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
AS $fn$
DECLARE
  -- unix microseconds, computed from the raw int64 the way pg_uuidv7 does it:
  -- ((uint64) ts + EPOCH_DIFF_USECS) / 1000, keeping the low 48 bits
  us numeric := ('x' || pg_catalog.encode(pg_catalog.timestamptz_send($1), 'hex'))::bit(64)::bigint::numeric
                + 946684800000000;
  ms bigint;
BEGIN
  IF us < 0 THEN
    us := us + 18446744073709551616;  -- unsigned 64-bit wrap, as in C
  END IF;
  ms := pg_catalog.mod(pg_catalog.div(us, 1000), 281474976710656)::bigint;
  IF zero THEN
    -- unix_ts_ms, version 7, rand_a 0, variant 10, rand_b 0
    RETURN (pg_catalog.lpad(pg_catalog.to_hex(ms), 12, '0') || '70008000000000000000')::uuid;
  END IF;
  -- A v4 UUID keeps its variant (10) and random bits. unix_ts_ms goes over bytes 0-5, and the
  -- version nibble changes from 0100 to 0111 by setting bits 52 and 53 (get_bit/set_bit count from
  -- the least significant bit of each byte).
  RETURN pg_catalog.encode(
           pg_catalog.set_bit(pg_catalog.set_bit(
             overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                                PLACING pg_catalog.substr(pg_catalog.int8send(ms), 3) FROM 1 FOR 6),
             52, 1), 53, 1),
           'hex')::uuid;
END
$fn$;

COMMENT ON FUNCTION uuid_timestamptz_to_v7(timestamptz, boolean) IS
  'Create a v7 UUID from a timestamptz (ms precision); zero => true zeroes the random bits';

-- ---------------------------------------------------------------------------------------------
-- uuid_timestamp_to_v7(timestamp, zero): the same for timestamp without time zone, read as UTC.
-- As in the C extension it uses the raw value and ignores the session TimeZone.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION uuid_timestamp_to_v7(timestamp, zero boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql
STABLE STRICT PARALLEL SAFE
AS $fn$
DECLARE
  us numeric := ('x' || pg_catalog.encode(pg_catalog.timestamp_send($1), 'hex'))::bit(64)::bigint::numeric
                + 946684800000000;
  ms bigint;
BEGIN
  IF us < 0 THEN
    us := us + 18446744073709551616;
  END IF;
  ms := pg_catalog.mod(pg_catalog.div(us, 1000), 281474976710656)::bigint;
  IF zero THEN
    RETURN (pg_catalog.lpad(pg_catalog.to_hex(ms), 12, '0') || '70008000000000000000')::uuid;
  END IF;
  RETURN pg_catalog.encode(
           pg_catalog.set_bit(pg_catalog.set_bit(
             overlay(pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                                PLACING pg_catalog.substr(pg_catalog.int8send(ms), 3) FROM 1 FOR 6),
             52, 1), 53, 1),
           'hex')::uuid;
END
$fn$;

COMMENT ON FUNCTION uuid_timestamp_to_v7(timestamp, boolean) IS
  'Create a v7 UUID from a timestamp read as UTC (ms precision); zero => true zeroes the random bits';
