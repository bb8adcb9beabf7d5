using System.Text.RegularExpressions;
using KennWilliamson.Data.Entities;
using KennWilliamson.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KennWilliamson.Tests.Schema;

[Trait(Layer.Trait, Layer.Api)]
public sealed class EfTimestampTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
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
            await Task.Delay(TimestampTests.Pause);

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
            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
            foreach (var (table, id) in new[] { ("users", user.Id), ("roles", role.Id), ("incident_timers", timer.Id) })
            {
                Assert.True(await connection.ScalarAsync<bool>(
                    $"SELECT updated_at > created_at FROM {table} WHERE id = $1", id), $"{table} row {id}");
            }
        }
        finally
        {
            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
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
                await Task.Delay(TimestampTests.Pause);

                user.DisplayName = "EF renamed";
                user.UpdatedAt = stale;
                await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);
            }

            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
            var row = Assert.Single(await connection.RowsAsync("SELECT created_at, updated_at FROM users WHERE id = $1", id));
            Assert.True((DateTime)row[0]! > stale.UtcDateTime.AddYears(20), $"created_at {row[0]}");
            Assert.True((DateTime)row[1]! > (DateTime)row[0]!, $"updated_at {row[1]} is not after created_at {row[0]}");
            var writes = commands.Where(c => c.Contains("UPDATE ", StringComparison.Ordinal) || c.Contains("INSERT ", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, writes.Count);
            Assert.All(writes, AssertSetsNoTimestamp);
        }
        finally
        {
            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
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
}
