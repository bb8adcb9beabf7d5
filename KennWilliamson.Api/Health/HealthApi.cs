using System.Reflection;
using System.Text.Json.Serialization;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Health;

public static class HealthApi
{
    private static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddSingleton<StorageSampler>();
        services.AddSingleton<StorageSamplerElection>();
        services.AddHostedService<StorageMonitor>();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(StorageMonitor.MeterName));
        return services;
    }

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();

        group.MapGet("/", () => TypedResults.Ok(new ServiceHealth("healthy", "kennwilliamson-api", Version)));
        group.MapGet("/db", CheckDatabaseAsync).Produces<DatabaseHealth>(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Storage details only for an admin as the database says now; anyone else gets the original backend's body.</summary>
    private static async Task<Results<Ok<DatabaseHealth>, JsonHttpResult<DatabaseHealth>>> CheckDatabaseAsync(
        AppDbContext db, CurrentUser caller, StorageSampler storage, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            var version = await db.Database.Query<string>(HealthSql.ServerVersion).SingleAsync(ct);
            var migrations = await db.Database.Query<int>(HealthSql.AppliedMigrations).SingleAsync(ct);
            var details = await caller.IsAdminAsync(ct) ? await storage.SampleAsync(db, ct) : null;
            return TypedResults.Ok(new DatabaseHealth("healthy", "connected", version, migrations) { Storage = details });
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            loggers.CreateLogger(typeof(HealthApi)).LogWarning(ex, "Database health check failed");
            return TypedResults.Json(new DatabaseHealth("unhealthy", "disconnected", null, null), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

public sealed record ServiceHealth(string Status, string Service, string Version);

public sealed record DatabaseHealth(string Status, string Database, string? Version, int? AppliedMigrations)
{
    /// <summary>For admins only; left out of the body otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StorageDetails? Storage { get; init; }
}
