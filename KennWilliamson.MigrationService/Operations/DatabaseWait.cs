using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// Reaching the database before a verb runs. The AppHost's <c>run</c> waits for a server that is not up
/// yet (a managed server still starting, a late container): one plain connection attempt every two
/// seconds, outside EF's retry strategy, for up to <c>Migrations:DatabaseWaitSeconds</c> (120 s). An
/// operator's verb tries once and says which database it could not reach.
/// </summary>
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
