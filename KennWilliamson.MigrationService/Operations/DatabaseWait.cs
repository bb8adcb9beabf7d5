using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary><c>run</c> waits for a late server (Migrations:DatabaseWaitSeconds); an operator's verb tries once.</summary>
internal static class DatabaseWait
{
    public static async Task UntilReachableAsync(string connectionString, TimeSpan wait, ILogger logger, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await (await Unpooled.OpenAsync(connectionString, ct, timeoutSeconds: 5)).DisposeAsync();
                if (attempt > 1)
                {
                    logger.LogInformation("Database reachable after {Attempts} attempts.", attempt);
                }
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}, waiting up to {Wait} s): {Message}", attempt, wait.TotalSeconds, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    public static async Task ReachableNowAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await (await Unpooled.OpenAsync(connectionString, ct, timeoutSeconds: 5)).DisposeAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            var reason = ex is PostgresException pg ? pg.MessageText : ex.InnerException?.Message is { } inner ? $"{ex.Message} ({inner})" : ex.Message;
            throw new InvalidOperationException($"cannot connect to {DatabaseLabel.Of(new NpgsqlConnectionStringBuilder(connectionString))}: {reason}", ex);
        }
    }
}
