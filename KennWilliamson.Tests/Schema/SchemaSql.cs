using KennWilliamson.Data;
using KennWilliamson.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>Small helpers for the schema tests: raw SQL with positional parameters, and EF contexts.</summary>
internal static class SchemaSql
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan WorkerTimeout = TimeSpan.FromMinutes(3);

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql, params object?[] args)
    {
        await using var command = Command(connection, sql, args);
        var value = await command.ExecuteScalarAsync().WaitAsync(Timeout);
        return value is null or DBNull ? default! : (T)value;
    }

    public static async Task<List<object?[]>> RowsAsync(this NpgsqlConnection connection, string sql, params object?[] args)
    {
        await using var command = Command(connection, sql, args);
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(Timeout);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync().WaitAsync(Timeout))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    public static async Task<List<T>> ColumnAsync<T>(this NpgsqlConnection connection, string sql, params object?[] args) =>
        (await connection.RowsAsync(sql, args)).Select(r => (T)r[0]!).ToList();

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, params object?[] args)
    {
        await using var command = Command(connection, sql, args);
        return await command.ExecuteNonQueryAsync().WaitAsync(Timeout);
    }

    /// <summary>A user made with raw SQL (no id: the database makes it); unique email and slug.</summary>
    public static Task<Guid> InsertUserAsync(this NpgsqlConnection connection, string? email = null)
    {
        var tag = Guid.NewGuid().ToString("N");
        return connection.ScalarAsync<Guid>(
            "INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, 'hash', 'Schema test', $2) RETURNING id",
            email ?? $"schema.{tag}@example.com", $"schema-{tag}");
    }

    public static Task DeleteUserAsync(this NpgsqlConnection connection, Guid id) =>
        connection.ExecuteAsync("DELETE FROM users WHERE id = $1", id);

    public static AppDbContext CreateContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        AppDbContext.Configure(options);
        options.UseNpgsql(connectionString);
        return new AppDbContext(options.Options);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object?[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }
        return command;
    }
}

/// <summary>An empty database of its own for a test that changes the schema; dropped afterwards.</summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly ITestApp _fixture;

    private ScratchDatabase(ITestApp fixture, string connectionString)
    {
        _fixture = fixture;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>The fixture cuts "prefix_guid" to 40 characters, so the prefix needs at least 8.</summary>
    public static async Task<ScratchDatabase> CreateAsync(ITestApp fixture, string prefix) =>
        new(fixture, await fixture.CreateScratchDatabaseAsync(prefix).WaitAsync(SchemaSql.Timeout));

    /// <summary>
    /// The worker as the README runs it. The app role is cluster-wide, so it gets the fixture's own
    /// password: the worker sets it again and the shared database's app connection keeps working.
    /// </summary>
    public Task<ProcessResult> RunWorkerAsync(params string[] args) =>
        WorkerProcess.RunAsync(ConnectionString, _fixture.AppDbPassword, args).WaitAsync(SchemaSql.WorkerTimeout);

    public Task<NpgsqlConnection> OpenAsync() => Connections.OpenAsync(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        await using var server = await Connections.OpenAsync(_fixture.ServerConnectionString);
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }
}
