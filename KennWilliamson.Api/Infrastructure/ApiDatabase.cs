using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// One <see cref="NpgsqlDataSource"/>, so one connection pool, for the whole API: the hot endpoints (public
/// read, timer list, timer create) run their statement on it directly, and the pooled <see cref="AppDbContext"/>
/// runs on the same data source for everything else. Before, the hot endpoints leased a DbContext only to
/// borrow its connection: the lease, EF's connection handling and its execution strategy were about a sixth of the
/// public read's running time (docs/benchmarks-reference.md).
/// </summary>
public static class ApiDatabase
{
    public static void AddApiDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.ApplyDatabasePoolSettings(connectionName);
        // Aspire's Npgsql integration: the data source with Npgsql's tracing and metrics. Its health check is left
        // to the DbContext's (below), which asks the same database through the same pool. Each command's span
        // keeps its timing and SQL; the extra "first response" event on it is dropped (one allocation and one
        // exported event per statement, for a time the span's own end already bounds).
        builder.AddNpgsqlDataSource(connectionName,
            settings => settings.DisableHealthChecks = true,
            dataSource => dataSource.ConfigureTracing(tracing => tracing.EnableFirstResponseEvent(false)));
        builder.Services.AddDbContextPool<AppDbContext>((services, options) =>
            AppDbContext.Configure(options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())));
        // No automatic retries: ids come from the database, so re-running an insert whose commit was lost would
        // store a second row; a request during an outage fails fast with 503 + Retry-After and the client retries.
        builder.EnrichNpgsqlDbContext<AppDbContext>(settings => settings.DisableRetry = true);
    }
}
