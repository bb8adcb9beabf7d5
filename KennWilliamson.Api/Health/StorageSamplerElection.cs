using Npgsql;

namespace KennWilliamson.Api.Health;

/// <summary>
/// One storage sampler per application: the replica whose connection holds a session advisory lock samples; the
/// others try again each interval, so when the sampler's process ends (its connection with it) another takes over.
/// </summary>
public sealed class StorageSamplerElection(NpgsqlDataSource database) : IAsyncDisposable
{
    private NpgsqlConnection? _held;

    public async Task<bool> LeadAsync(CancellationToken ct)
    {
        try
        {
            if (_held is not null)
            {
                await using var alive = new NpgsqlCommand(HealthSql.SamplerAlive.Sql, _held);
                await alive.ExecuteScalarAsync(ct);
                return true;
            }
            var connection = await database.OpenConnectionAsync(ct);
            await using var take = new NpgsqlCommand(HealthSql.SamplerLock.Sql, connection);
            if (await take.ExecuteScalarAsync(ct) is true)
            {
                _held = connection;
                return true;
            }
            await connection.DisposeAsync();
            return false;
        }
        catch (NpgsqlException)
        {
            await LetGoAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await LetGoAsync();

    /// <summary>The lock goes with the session: pooled connections are not reset on return, so it is released first.</summary>
    private async Task LetGoAsync()
    {
        if (_held is not { } connection)
        {
            return;
        }
        _held = null;
        try
        {
            await using var release = new NpgsqlCommand(HealthSql.SamplerRelease.Sql, connection);
            await release.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken, and the session and its lock with it.
        }
        await connection.DisposeAsync();
    }
}
