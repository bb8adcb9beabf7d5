using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>One data source, so one pool: hot endpoints run on it directly, the pooled DbContext for the rest.</summary>
public static class ApiDatabase
{
    public static void AddApiDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.ApplyDatabasePoolSettings(connectionName);
        // The DbContext's health check covers the same pool; the "first response" event is one more per statement.
        builder.AddNpgsqlDataSource(connectionName,
            settings => settings.DisableHealthChecks = true,
            dataSource => dataSource.ConfigureTracing(tracing => tracing.EnableFirstResponseEvent(false)));
        builder.Services.AddDbContextPool<AppDbContext>((services, options) =>
            AppDbContext.Configure(options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())));
        // No retries: ids come from the database, so re-running an insert whose commit was lost would store a second row.
        builder.EnrichNpgsqlDbContext<AppDbContext>(settings => settings.DisableRetry = true);
    }
}
