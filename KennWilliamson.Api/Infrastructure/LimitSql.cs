using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>The statements of the limits all replicas share.</summary>
public static class LimitSql
{
    public static readonly SqlStatement Take = new("shared limit take",
        "SELECT permitted, retry_after FROM rate_limit_take($1, $2, $3, $4, $5)",
        [typeof(string), typeof(TimeSpan), typeof(int), typeof(int), typeof(int)],
        new SqlColumn("permitted", typeof(bool)), new("retry_after", typeof(TimeSpan)));

    /// <summary>A successful login clears the email's failures.</summary>
    public static readonly SqlStatement Reset = new("shared limit reset", "DELETE FROM rate_limit_counters WHERE key = $1", [typeof(string)]);

    public static readonly SqlStatement Purge = new("shared limit purge",
        "DELETE FROM rate_limit_counters WHERE segment_start < now() - $1::interval", [typeof(TimeSpan)]);
}
