using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>
/// The limits every API replica shared, until <see cref="DropRateLimitCounters"/> moved them to Redis: one row per key
/// with the counts of a sliding window's segments, and <c>rate_limit_take</c>, which also gave permits back, under the
/// row's lock, on the database's clock. Unlogged: the counts were worth less than the WAL they would write.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261205000000_create_rate_limit_counters")]
public sealed class CreateRateLimitCounters : Migration
{
    /// <summary>Also what reverting <see cref="DropRateLimitCounters"/> puts back.</summary>
    internal const string Sql = """
        CREATE UNLOGGED TABLE rate_limit_counters (
            key text PRIMARY KEY,
            segment_start timestamptz NOT NULL,
            counts integer[] NOT NULL,
            permitted boolean NOT NULL DEFAULT true
        );
        CREATE INDEX ix_rate_limit_counters_segment_start ON rate_limit_counters (segment_start);

        -- take > 0 asks for that many permits, take < 0 gives them back (newest first), take = 0 only looks.
        -- retry_after: how long until a refused take could be granted (null when granted).
        CREATE FUNCTION rate_limit_take(p_key text, p_window interval, p_segments integer, p_limit integer, p_take integer)
        RETURNS TABLE (permitted boolean, retry_after interval)
        LANGUAGE plpgsql AS $$
        DECLARE
            seg interval := p_window / p_segments;
            now_seg timestamptz := date_bin(p_window / p_segments, clock_timestamp(), timestamptz 'epoch');
            row_start timestamptz;
            old integer[];
            cur integer[];
            shift integer;
            total integer;
            i integer;
        BEGIN
            INSERT INTO rate_limit_counters AS c (key, segment_start, counts)
            VALUES (p_key, now_seg, array_fill(0, ARRAY[p_segments]))
            ON CONFLICT (key) DO NOTHING;
            SELECT c.segment_start, c.counts INTO row_start, old FROM rate_limit_counters c WHERE c.key = p_key FOR UPDATE;
            IF old IS NULL OR array_length(old, 1) IS DISTINCT FROM p_segments OR row_start > now_seg THEN
                old := array_fill(0, ARRAY[p_segments]);
                row_start := now_seg;
            END IF;
            shift := LEAST(p_segments, (extract(epoch FROM now_seg - row_start) / extract(epoch FROM seg))::integer);
            cur := CASE WHEN shift >= p_segments THEN array_fill(0, ARRAY[p_segments])
                        WHEN shift = 0 THEN old
                        ELSE old[shift + 1 : p_segments] || array_fill(0, ARRAY[shift]) END;
            SELECT coalesce(sum(x), 0) INTO total FROM unnest(cur) AS x;
            permitted := p_take <= 0 AND total < p_limit OR p_take > 0 AND total + p_take <= p_limit;
            IF p_take > 0 AND permitted THEN
                cur[p_segments] := cur[p_segments] + p_take;
            ELSIF p_take < 0 THEN
                i := p_segments;
                WHILE i >= 1 AND p_take < 0 LOOP
                    total := LEAST(cur[i], -p_take);
                    cur[i] := cur[i] - total;
                    p_take := p_take + total;
                    i := i - 1;
                END LOOP;
            END IF;
            retry_after := NULL;
            IF NOT permitted THEN
                i := 1;
                WHILE i < p_segments AND cur[i] = 0 LOOP
                    i := i + 1;
                END LOOP;
                retry_after := GREATEST(now_seg - (p_segments - i) * seg + p_window - clock_timestamp(), interval '1 second');
            END IF;
            UPDATE rate_limit_counters c SET segment_start = now_seg, counts = cur WHERE c.key = p_key;
            RETURN NEXT;
        END
        $$;
        """;

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(Sql);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(DropRateLimitCounters.Sql);
    }
}
