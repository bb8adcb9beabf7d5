using System.Text.RegularExpressions;
using KennWilliamson.Data.Entities;
using KennWilliamson.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// updated_at is kept by the update_updated_at_column() trigger, not by the application. now() is the
/// start of the transaction, so each insert and update here is its own (autocommit) transaction.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class TimestampTests(AppFixture fixture)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

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
        await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
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
        await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
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

    [Fact]
    public async Task An_update_through_ef_moves_updated_at_forward_without_the_application_writing_it()
    {
        var commands = new List<string>();
        var tag = Guid.NewGuid().ToString("N");
        var email = $"ef.{tag}@example.com";
        var roleName = $"ef-{tag}";
        try
        {
            User user;
            Role role;
            IncidentTimer timer;
            await using (var db = CreateContext(commands))
            {
                user = new User { Email = email, PasswordHash = "hash", DisplayName = "EF", Slug = $"ef-{tag}" };
                role = new Role { Name = roleName, Description = "EF" };
                timer = new IncidentTimer { User = user, ResetTimestamp = DateTimeOffset.UtcNow, Notes = "EF" };
                db.AddRange(user, role, timer);
                await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);
            }
            var created = new[] { (user.CreatedAt, user.UpdatedAt), (role.CreatedAt, role.UpdatedAt), (timer.CreatedAt, timer.UpdatedAt) };
            Assert.All(created, c => Assert.NotEqual(default, c.CreatedAt));
            await Task.Delay(Pause);

            commands.Clear();
            await using (var db = CreateContext(commands))
            {
                var u = await db.Users.SingleAsync(x => x.Id == user.Id).WaitAsync(SchemaSql.Timeout);
                var r = await db.Roles.SingleAsync(x => x.Id == role.Id).WaitAsync(SchemaSql.Timeout);
                var t = await db.IncidentTimers.SingleAsync(x => x.Id == timer.Id).WaitAsync(SchemaSql.Timeout);
                u.DisplayName = "EF renamed";
                r.Description = "EF changed";
                t.Notes = "EF changed";
                await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);

                // EF read the trigger's value back.
                var updated = new[] { (u.CreatedAt, u.UpdatedAt), (r.CreatedAt, r.UpdatedAt), (t.CreatedAt, t.UpdatedAt) };
                for (var i = 0; i < created.Length; i++)
                {
                    Assert.Equal(created[i].CreatedAt, updated[i].CreatedAt);
                    Assert.True(updated[i].UpdatedAt > created[i].UpdatedAt, $"entity {i}: {updated[i].UpdatedAt} is not after {created[i].UpdatedAt}");
                }
            }

            // The UPDATEs EF sent never set a timestamp.
            var updates = commands.Where(c => c.Contains("UPDATE ", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(updates);
            Assert.All(updates, AssertSetsNoTimestamp);

            // And the database agrees with what EF read back.
            await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
            foreach (var (table, id) in new[] { ("users", user.Id), ("roles", role.Id), ("incident_timers", timer.Id) })
            {
                Assert.True(await connection.ScalarAsync<bool>(
                    $"SELECT updated_at > created_at FROM {table} WHERE id = $1", id), $"{table} row {id}");
            }
        }
        finally
        {
            await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
            await connection.ExecuteAsync("DELETE FROM users WHERE email = $1", email);
            await connection.ExecuteAsync("DELETE FROM roles WHERE name = $1", roleName);
        }
    }

    [Fact]
    public async Task Ef_ignores_an_updated_at_the_application_sets()
    {
        var commands = new List<string>();
        var tag = Guid.NewGuid().ToString("N");
        var email = $"ef.{tag}@example.com";
        var stale = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        try
        {
            Guid id;
            await using (var db = CreateContext(commands))
            {
                var user = new User { Email = email, PasswordHash = "hash", DisplayName = "EF", Slug = $"ef-{tag}", UpdatedAt = stale };
                db.Users.Add(user);
                await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);
                id = user.Id;
                await Task.Delay(Pause);

                user.DisplayName = "EF renamed";
                user.UpdatedAt = stale;
                await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);
            }

            await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
            var row = Assert.Single(await connection.RowsAsync("SELECT created_at, updated_at FROM users WHERE id = $1", id));
            Assert.True((DateTime)row[0]! > stale.UtcDateTime.AddYears(20), $"created_at {row[0]}");
            Assert.True((DateTime)row[1]! > (DateTime)row[0]!, $"updated_at {row[1]} is not after created_at {row[0]}");
            var writes = commands.Where(c => c.Contains("UPDATE ", StringComparison.Ordinal) || c.Contains("INSERT ", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, writes.Count);
            Assert.All(writes, AssertSetsNoTimestamp);
        }
        finally
        {
            await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
            await connection.ExecuteAsync("DELETE FROM users WHERE email = $1", email);
        }
    }

    private KennWilliamson.Data.AppDbContext CreateContext(List<string> commands)
    {
        var options = new DbContextOptionsBuilder<KennWilliamson.Data.AppDbContext>();
        KennWilliamson.Data.AppDbContext.Configure(options);
        options.UseNpgsql(fixture.OwnerConnectionString);
        options.LogTo(commands.Add, [RelationalEventId.CommandExecuting]);
        return new KennWilliamson.Data.AppDbContext(options.Options);
    }

    /// <summary>No INSERT column list and no UPDATE SET clause in the command names updated_at.</summary>
    private static void AssertSetsNoTimestamp(string command)
    {
        var written = Regex.Matches(command, @"INSERT INTO \S+ \((?<columns>[^)]*)\)|UPDATE \S+ SET (?<columns>.*?)WHERE", RegexOptions.Singleline);
        Assert.True(written.Count > 0, command);
        Assert.All(written, m => Assert.DoesNotContain("updated_at", m.Groups["columns"].Value, StringComparison.Ordinal));
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
