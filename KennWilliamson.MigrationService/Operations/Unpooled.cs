using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>Outside every pool, so a dropped schema leaves no stale pooled connection.</summary>
internal static class Unpooled
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct, int? timeoutSeconds = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        if (timeoutSeconds is { } timeout)
        {
            builder.Timeout = timeout;
        }
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
