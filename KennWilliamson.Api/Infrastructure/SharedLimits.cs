using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>A "so many per window" limit.</summary>
public interface IWindowLimit
{
    int PermitLimit { get; }
    TimeSpan Window { get; }
}

/// <summary><c>RateLimiting:Shared</c>: whether the limits are also counted in Redis, for every replica at once.</summary>
public sealed class SharedLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>The Redis connection string's name (<c>ConnectionStrings:limits</c>).</summary>
    public const string ConnectionName = "limits";

    /// <summary>Off leaves each process its own budgets (N replicas, N times each) and needs no Redis.</summary>
    public bool Shared { get; set; } = true;
}

/// <summary>
/// Budgets every API replica spends together, kept in Redis (<see cref="LimitScript"/>: a sliding window of six
/// segments per key, on the Redis server's clock). The in-memory limiters stay in front and turn floods away before
/// they reach Redis; Redis being away refuses the request (503), never lets it by.
/// </summary>
public sealed class SharedLimits(IServiceProvider services, IOptions<SharedLimitOptions> options)
{
    /// <summary>Of every limit's window, in memory and shared alike, so the two count the same way.</summary>
    public const int Segments = 6;

    /// <summary>Before every key in Redis, so the limits' keys never meet anything else stored there.</summary>
    public const string Prefix = "kennwilliamson:limits:";

    public bool Enabled => options.Value.Shared;

    // Resolved on first use: with Shared off there is no Redis to connect to.
    private IDatabase Redis => field ??= services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    /// <summary>A budget's key in the shared store: the budget's name, then whose it is.</summary>
    public static string Key(string budget, string owner) => $"{budget}|{owner}";

    /// <summary>Null when <paramref name="take"/> permits were granted (or, when negative, given back), else how long to wait.</summary>
    public async Task<TimeSpan?> TakeAsync(string key, IWindowLimit limit, int take, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var reply = (RedisResult[])(await LimitScript.Take.EvaluateAsync(Redis, new
        {
            key = (RedisKey)(Prefix + key),
            window = (long)limit.Window.TotalMilliseconds,
            segments = Segments,
            limit = limit.PermitLimit,
            take,
        }))!;
        if ((long)reply[0] == 1)
        {
            return null;
        }
        var counts = reply[3..].Select(c => (int)c).ToArray();
        return RetryAfter(DateTimeOffset.FromUnixTimeMilliseconds((long)reply[1]), counts, DateTimeOffset.FromUnixTimeMilliseconds((long)reply[2]), limit.Window);
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
        ct.ThrowIfCancellationRequested();
        await Redis.KeyDeleteAsync(Prefix + key);
    }
}

public static class SharedLimitRegistration
{
    /// <summary>Shared (the default): the Redis client, with its health check and traces, from <c>ConnectionStrings:limits</c>.</summary>
    public static void AddSharedLimits(this IHostApplicationBuilder builder)
    {
        var options = builder.Services.AddOptions<SharedLimitOptions>().BindConfiguration(SharedLimitOptions.Section);
        builder.Services.AddSingleton<SharedLimits>();
        if (builder.Configuration.GetValue(SharedLimitOptions.Section + ":" + nameof(SharedLimitOptions.Shared), true))
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(SharedLimitOptions.ConnectionName)))
            {
                options.Validate(_ => false, $"ConnectionStrings:{SharedLimitOptions.ConnectionName} is not set: the limits every replica shares are kept in Redis. " +
                    "Run the API from the AppHost, give it a Redis connection string, or set RateLimiting:Shared=false for a single process.").ValidateOnStart();
                return;
            }
            // Tracing off: its profiler is paid on every command, traced or not. Fail fast: with Redis away a limited
            // request answers 503 at once instead of queuing for a connection.
            builder.AddRedisClient(SharedLimitOptions.ConnectionName, settings => settings.DisableTracing = true, redis =>
            {
                redis.AbortOnConnectFail = false;
                redis.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast;
            });
        }
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
