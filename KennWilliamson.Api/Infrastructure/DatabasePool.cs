using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Pool settings from <c>Database:*</c>, overriding the connection string. NoResetOnClose is safe because the API sets
/// no session state, so there is no DISCARD ALL to pay for (docs/benchmarks.md).
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
