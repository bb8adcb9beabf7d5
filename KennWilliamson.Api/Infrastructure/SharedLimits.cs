using Microsoft.Extensions.Options;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>A "so many per window" limit.</summary>
public interface IWindowLimit
{
    int PermitLimit { get; }
    TimeSpan Window { get; }
}

/// <summary><c>RateLimiting:Shared</c>: whether the limits are also counted in PostgreSQL, for every replica at once.</summary>
public sealed class SharedLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Off leaves each process its own budgets (N replicas, N times each); for comparison only.</summary>
    public bool Shared { get; set; } = true;
}

/// <summary>
/// Budgets every API replica spends together, kept in PostgreSQL (<c>rate_limit_take</c>: a sliding window of six
/// segments per key, under the key's row lock, on the database's clock). The in-memory limiters stay in front and
/// turn floods away before they reach the database; a database outage refuses the request (503), never lets it by.
/// </summary>
public sealed class SharedLimits(NpgsqlDataSource database, IOptions<SharedLimitOptions> options)
{
    public const int Segments = 6;

    public bool Enabled => options.Value.Shared;

    /// <summary>A budget's row in the shared counters: the budget's name, then whose it is.</summary>
    public static string Key(string budget, string owner) => $"{budget}|{owner}";

    /// <summary>Null when <paramref name="take"/> permits were granted (or, when negative, given back), else how long to wait.</summary>
    public async Task<TimeSpan?> TakeAsync(string key, IWindowLimit limit, int take, CancellationToken ct)
    {
        var statement = take < 0 ? LimitSql.GiveBack : LimitSql.Take;
        await using var command = statement.CreateCommand(database, statement.Argument(0, key), statement.Argument(1, limit.Window),
            statement.Argument(2, Segments), statement.Argument(3, limit.PermitLimit), statement.Argument(4, Math.Abs(take)));
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        await reader.ReadAsync(ct);
        return take < 0 || reader.GetBoolean(0)
            ? null
            : RetryAfter(reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<int[]>(2), reader.GetFieldValue<DateTimeOffset>(3), limit.Window);
    }

    /// <summary>How long a refused take of <paramref name="key"/> has to wait, read after the refusal.</summary>
    public async Task<TimeSpan> RetryAfterAsync(string key, IWindowLimit limit, CancellationToken ct)
    {
        await using var command = LimitSql.Peek.CreateCommand(database, LimitSql.Peek.Argument(0, key));
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct)
            ? RetryAfter(reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<int[]>(1), reader.GetFieldValue<DateTimeOffset>(2), limit.Window)
            : MinWait;
    }

    private static readonly TimeSpan MinWait = TimeSpan.FromSeconds(1);

    /// <summary>Until the oldest segment with permits in it leaves the window; at least a second.</summary>
    public static TimeSpan RetryAfter(DateTimeOffset newestSegment, IReadOnlyList<int> counts, DateTimeOffset now, TimeSpan window)
    {
        var oldest = 0;
        while (oldest < counts.Count && counts[oldest] == 0)
        {
            oldest++;
        }
        if (oldest == counts.Count)
        {
            return MinWait;
        }
        var wait = newestSegment - (counts.Count - 1 - oldest) * (window / counts.Count) + window - now;
        return wait > MinWait ? wait : MinWait;
    }

    public async Task ResetAsync(string key, CancellationToken ct)
    {
        await using var command = LimitSql.Reset.CreateCommand(database, LimitSql.Reset.Argument(0, key));
        await command.ExecuteNonQueryAsync(ct);
    }
}

public static class SharedLimitRegistration
{
    public static IServiceCollection AddSharedLimits(this IServiceCollection services)
    {
        services.AddOptions<SharedLimitOptions>().BindConfiguration(SharedLimitOptions.Section);
        services.AddSingleton<SharedLimits>();
        return services.AddHostedService<SharedLimitPurgeService>();
    }

    /// <summary>
    /// The route also spends from the budget <paramref name="name"/> that all replicas share, keyed by
    /// <paramref name="keyOf"/> (null: not limited); refused with the same 429 as the in-memory limiter.
    /// </summary>
    public static TBuilder RequireSharedLimit<TBuilder, TLimit>(this TBuilder builder, string name, Func<HttpContext, string?> keyOf)
        where TBuilder : IEndpointConventionBuilder where TLimit : class, IWindowLimit =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var limits = http.RequestServices.GetRequiredService<SharedLimits>();
            if (limits.Enabled && keyOf(http) is { } key)
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<TLimit>>().Value;
                if (await limits.TakeAsync(SharedLimits.Key(name, key), limit, 1, http.RequestAborted) is { } wait)
                {
                    RateLimits.SetRetryAfter(http.Response, wait);
                    return new TooManyRequestsProblem();
                }
            }
            return await next(context);
        });
}

/// <summary>Deletes the counters no window can still reach, so the table holds only recent keys.</summary>
public sealed class SharedLimitPurgeService(NpgsqlDataSource database, ILogger<SharedLimitPurgeService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = LimitSql.Purge.CreateCommand(database, LimitSql.Purge.Argument(0, LimitSettings.MaxWindow));
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Rate-limit counter purge failed, next try in {Interval}: {Message}", Interval, ex.Message);
            }
        }
    }
}
