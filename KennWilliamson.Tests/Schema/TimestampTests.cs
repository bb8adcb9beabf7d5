using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// updated_at is kept by the update_updated_at_column() trigger, not by the application. now() is the
/// start of the transaction, so each insert and update here is its own (autocommit) transaction.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class TimestampTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    internal static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>table, an UPDATE's SET clause that changes a row without touching a timestamp.</summary>
    public static TheoryData<string, string> Tables => new()
    {
        { "users", "display_name = 'Renamed'" },
        { "roles", "description = 'Changed'" },
        { "incident_timers", "notes = 'Changed'" },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task A_raw_sql_update_moves_updated_at_forward_and_leaves_created_at_alone(string table, string change)
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var (id, cleanup) = await InsertRowAsync(connection, table);
        try
        {
            var before = Assert.Single(await connection.RowsAsync($"SELECT created_at, updated_at FROM {table} WHERE id = $1", id));
            Assert.Equal(before[0], before[1]);
            await Task.Delay(Pause);

            var after = Assert.Single(await connection.RowsAsync(
                $"UPDATE {table} SET {change} WHERE id = $1 RETURNING created_at, updated_at, now()", id));

            Assert.Equal(before[0], after[0]);
            Assert.True((DateTime)after[1]! > (DateTime)before[1]!, $"updated_at {after[1]} did not move past {before[1]}");
            Assert.Equal(after[2], after[1]);
        }
        finally
        {
            await cleanup();
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task An_update_that_sets_updated_at_itself_still_gets_the_time_of_its_transaction(string table, string change)
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var (id, cleanup) = await InsertRowAsync(connection, table);
        try
        {
            var after = Assert.Single(await connection.RowsAsync(
                $"UPDATE {table} SET {change}, updated_at = '2000-01-01 00:00:00+00' WHERE id = $1 RETURNING updated_at, now()", id));

            Assert.Equal(after[1], after[0]);
        }
        finally
        {
            await cleanup();
        }
    }

    private static async Task<(Guid Id, Func<Task> Cleanup)> InsertRowAsync(NpgsqlConnection connection, string table)
    {
        switch (table)
        {
            case "roles":
                var name = $"schema-{Guid.NewGuid():N}";
                var roleId = await connection.ScalarAsync<Guid>("INSERT INTO roles (name) VALUES ($1) RETURNING id", name);
                return (roleId, () => connection.ExecuteAsync("DELETE FROM roles WHERE id = $1", roleId));
            case "users":
                var userId = await connection.InsertUserAsync();
                return (userId, () => connection.DeleteUserAsync(userId));
            default:
                var ownerId = await connection.InsertUserAsync();
                var timerId = await connection.ScalarAsync<Guid>("INSERT INTO incident_timers (user_id) VALUES ($1) RETURNING id", ownerId);
                return (timerId, () => connection.DeleteUserAsync(ownerId));
        }
    }
}
