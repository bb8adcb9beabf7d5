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
/// Budgets every API replica spends together, kept in PostgreSQL (<c>rate_limit_counters</c>: a sliding window of six
/// segments per key, under the key's row lock, on the database's clock). The in-memory limiters stay in front and
/// turn floods away before they reach the database; a database outage refuses the request (503), never lets it by.
/// </summary>
public sealed class SharedLimits(NpgsqlDataSource database, PermitLeases leases, IOptions<SharedLimitOptions> options)
{
    public const int Segments = 6;

    public bool Enabled => options.Value.Shared;

    /// <summary>
    /// One permit of a route's budget: from this replica's lease when it holds one, else a lease of several taken at
    /// once (one if they do not all fit). Null when granted, else how long to wait.
    /// </summary>
    public async Task<TimeSpan?> SpendAsync(string key, IWindowLimit limit, CancellationToken ct)
    {
        if (leases.TrySpend(key))
        {
            return null;
        }
        var lease = leases.SizeFor(limit);
        if (lease > 1 && leases.TryBeginRefill(key))
        {
            try
            {
                if (await TakeAsync(key, limit, lease, ct) is { Granted: true } leased)
                {
                    leases.Hold(key, lease - 1, leased.SegmentEnds);
                    return null;
                }
            }
            finally
            {
                leases.EndRefill(key);
            }
        }
        var single = await TakeAsync(key, limit, 1, ct);
        return single.Granted ? null : single.Wait;
    }

    /// <summary>Exactly one permit, no lease: a login's failure budget, which a success clears and a give-back returns.</summary>
    public async Task<TimeSpan?> TakeOneAsync(string key, IWindowLimit limit, CancellationToken ct)
    {
        var taken = await TakeAsync(key, limit, 1, ct);
        return taken.Granted ? null : taken.Wait;
    }

    /// <summary>Returns one permit taken with <see cref="TakeOneAsync"/>, newest segment first.</summary>
    public async Task GiveBackAsync(string key, IWindowLimit limit, CancellationToken ct)
    {
        var statement = LimitSql.GiveBack;
        await using var command = statement.CreateCommand(database, statement.Argument(0, key), statement.Argument(1, limit.Window),
            statement.Argument(2, Segments), statement.Argument(3, limit.PermitLimit), statement.Argument(4, 1));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the permits fit; if so, how long their segment still runs, else how long to wait.</summary>
    private readonly record struct Taken(bool Granted, TimeSpan SegmentEnds, TimeSpan Wait);

    private async Task<Taken> TakeAsync(string key, IWindowLimit limit, int take, CancellationToken ct)
    {
        var statement = LimitSql.Take;
        await using var command = statement.CreateCommand(database, statement.Argument(0, key), statement.Argument(1, limit.Window),
            statement.Argument(2, Segments), statement.Argument(3, limit.PermitLimit), statement.Argument(4, take));
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        await reader.ReadAsync(ct);
        var (segment, counts, now) = (reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<int[]>(2), reader.GetFieldValue<DateTimeOffset>(3));
        return reader.GetBoolean(0)
            ? new Taken(true, segment + limit.Window / Segments - now, TimeSpan.Zero)
            : new Taken(false, TimeSpan.Zero, RetryAfter(segment, counts, now, limit.Window));
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
        services.AddSingleton<PermitLeases>();
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
                if (await limits.SpendAsync($"{name}|{key}", limit, http.RequestAborted) is { } wait)
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
