using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Connection pool settings from configuration (<c>Database:MaxPoolSize</c> 10, <c>MinPoolSize</c> 2, <c>MaxAutoPrepare</c> 20,
/// <c>AcquireTimeoutSeconds</c> 30, <c>NoResetOnClose</c> true), written into the connection string before
/// Aspire's Npgsql integration reads it. A setting already in the connection string is overridden:
/// configuration wins. <c>MaxAutoPrepare</c> 20 lets Npgsql prepare the statements the API repeats (parsed and
/// planned once per connection instead of on every request). NoResetOnClose skips the <c>DISCARD ALL</c> Npgsql otherwise sends when a pooled
/// connection is reused: the API sets no session state (no SET, temporary tables, LISTEN or prepared
/// statements of its own), so there is nothing to discard (docs/benchmarks.md has the numbers).
/// </summary>
public static class DatabasePool
{
    public static void ApplyDatabasePoolSettings(this IHostApplicationBuilder builder, string connectionName)
    {
        var key = $"ConnectionStrings:{connectionName}";
        if (builder.Configuration[key] is not { Length: > 0 } connectionString)
        {
            return; // Aspire reports the missing connection string with its own message.
        }
        var section = builder.Configuration.GetSection("Database");
        builder.Configuration[key] = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = section.GetValue("MaxPoolSize", 10),
            MinPoolSize = section.GetValue("MinPoolSize", 2),
            // Npgsql's Timeout covers waiting for a pooled connection as well as opening a new one.
            Timeout = section.GetValue("AcquireTimeoutSeconds", 30),
            NoResetOnClose = section.GetValue("NoResetOnClose", true),
            MaxAutoPrepare = section.GetValue("MaxAutoPrepare", 20),
        }.ConnectionString;
    }
}
