using Npgsql;

namespace KennWilliamson.Tests.Infrastructure;

public static class Connections
{
    /// <summary>An open connection, or a failure within 30 s.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
