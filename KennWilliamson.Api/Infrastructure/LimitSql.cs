using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>The statements of the limits all replicas share.</summary>
public static class LimitSql
{
    /// <summary>
    /// Takes <paramref name="take"/> permits from a key's sliding window in one upsert: the row's segments shifted to
    /// the current one under its lock, the permits added only while they fit. RETURNING permitted says whether they did.
    /// Parameters are placeholders, so a statement can put the take in front of its own work.
    /// </summary>
    public static string Upsert(string key, string window, string segments, string limit, string take)
    {
        // date_part, not extract(epoch FROM …): pg_stat_statements shows the field as a parameter, which must still parse.
        var steps = $"(date_part('epoch', EXCLUDED.segment_start - c.segment_start) / date_part('epoch', {window}::interval / {segments}::int))::int";
        var shifted = $"""
            CASE WHEN array_length(c.counts, 1) IS DISTINCT FROM {segments}::int OR c.segment_start > EXCLUDED.segment_start
                      OR EXCLUDED.segment_start - c.segment_start >= {window}::interval
                 THEN array_fill(0::int, ARRAY[{segments}::int])
                 ELSE c.counts[{steps} + 1 : {segments}::int] || array_fill(0::int, ARRAY[{steps}]) END
            """;
        return $"""
            INSERT INTO rate_limit_counters AS c (key, segment_start, counts, permitted)
            VALUES ({key}, date_bin({window}::interval / {segments}::int, clock_timestamp(), 'epoch'::timestamptz),
                    CASE WHEN {take}::int <= {limit}::int THEN array_fill(0::int, ARRAY[{segments}::int - 1]) || {take}::int
                         ELSE array_fill(0::int, ARRAY[{segments}::int]) END,
                    {take}::int <= {limit}::int)
            ON CONFLICT (key) DO UPDATE SET
                segment_start = EXCLUDED.segment_start,
                permitted = (SELECT coalesce(sum(x), 0) FROM unnest({shifted}) AS x) + {take}::int <= {limit}::int,
                counts = (SELECT CASE WHEN (SELECT coalesce(sum(x), 0) FROM unnest(s) AS x) + {take}::int <= {limit}::int
                                      THEN s[1 : {segments}::int - 1] || (s[{segments}::int] + {take}::int) ELSE s END
                          FROM (SELECT {shifted} AS s) AS shifted)
            """;
    }

    private static readonly SqlColumn[] Window =
        [new("segment_start", typeof(DateTimeOffset)), new("counts", typeof(int[])), new("now", typeof(DateTimeOffset))];

    public static readonly SqlStatement Take = new("shared limit take",
        Upsert("$1", "$2", "$3", "$4", "$5") + "\nRETURNING permitted, segment_start, counts, clock_timestamp() AS now",
        [typeof(string), typeof(TimeSpan), typeof(int), typeof(int), typeof(int)], [new SqlColumn("permitted", typeof(bool)), .. Window]);

    /// <summary>A key's window as it stands, for how long a refused take has to wait.</summary>
    public static readonly SqlStatement Peek = new("shared limit peek",
        "SELECT segment_start, counts, clock_timestamp() AS now FROM rate_limit_counters WHERE key = $1", [typeof(string)], Window);

    /// <summary>Gives permits back, newest segment first (a login that ended neither way).</summary>
    public static readonly SqlStatement GiveBack = new("shared limit give back",
        "SELECT permitted FROM rate_limit_take($1, $2, $3, $4, -$5::int)",
        [typeof(string), typeof(TimeSpan), typeof(int), typeof(int), typeof(int)], new SqlColumn("permitted", typeof(bool)));

    /// <summary>A successful login clears the email's failures.</summary>
    public static readonly SqlStatement Reset = new("shared limit reset", "DELETE FROM rate_limit_counters WHERE key = $1", [typeof(string)]);

    public static readonly SqlStatement Purge = new("shared limit purge",
        "DELETE FROM rate_limit_counters WHERE segment_start < now() - $1::interval", [typeof(TimeSpan)]);
}
