using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Connection pool settings from configuration (<c>Database:MaxPoolSize</c> 10, <c>MinPoolSize</c> 2,
/// <c>AcquireTimeoutSeconds</c> 30), written into the connection string before Aspire's Npgsql
/// integration reads it. A setting already in the connection string is overridden: configuration wins.
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
        }.ConnectionString;
    }
}
