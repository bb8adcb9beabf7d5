using KennWilliamson.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Accounts;

public sealed class RefreshTokenPurgeService(RefreshTokenPurge purge, IOptions<RefreshTokenPurgeOptions> options, TimeProvider time,
    ILogger<RefreshTokenPurgeService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RunAsync(purge.PurgeAsync, options.Value.PurgeInterval, time, logger, stoppingToken);

    /// <summary>A failed purge (the database away) is logged and the next tick tries again.</summary>
    internal static async Task RunAsync(Func<DateTimeOffset, CancellationToken, Task<int>> purge, TimeSpan interval, TimeProvider time,
        ILogger logger, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var purged = await purge(time.GetUtcNow(), stoppingToken);
                if (purged > 0)
                {
                    logger.LogInformation("Purged {Count} expired or revoked refresh tokens", purged);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Refresh-token purge failed, next try in {Interval}: {Message}", interval, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class RefreshTokenPurgeServices
{
    public static IServiceCollection AddRefreshTokenPurge(this IServiceCollection services)
    {
        services.AddValidatedOptions<RefreshTokenPurgeOptions>(RefreshTokenPurgeOptions.Section);
        services.AddSingleton<RefreshTokenPurge>();
        return services.AddHostedService<RefreshTokenPurgeService>();
    }
}
