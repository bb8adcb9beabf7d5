using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Operations;
using KennWilliamson.Tests.Schema;
using Npgsql;
using Xunit.Abstractions;

namespace KennWilliamson.Tests.Reliability;

/// <summary>
/// A backup taken while writers keep committing restores to one consistent moment: every foreign key
/// holds, every writer's transactions are present up to some point and none after it, and no
/// transaction is present in part.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[Trait("Category", TestPostgres.NeedsClientTools)]
[LongRunning(25)]
public sealed class BackupUnderLoadTests(ApiFixture fixture, ITestOutputHelper output) : IDisposable, IClassFixture<ApiFixture>
{
    private const int Writers = 4;
    private readonly string _backups = TestPaths.NewTempDirectory("backup-load");

    [Fact]
    public async Task A_backup_taken_during_writes_restores_to_a_consistent_database()
    {
        await using var source = await ScratchDatabase.CreateAsync(fixture, "rel_backup_src");
        Assert.Equal(0, (await source.RunWorkerAsync("run")).ExitCode);
        await using var target = await ScratchDatabase.CreateAsync(fixture, "rel_backup_dst");

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var committed = new int[Writers];
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await using var connection = await source.OpenAsync();
            for (var seq = 0; seq < 100_000 && !stop.IsCancellationRequested; seq++)
            {
                // One transaction: a user, their role and two timers.
                await using var tx = await connection.BeginTransactionAsync();
                await using var write = new NpgsqlCommand("""
                    WITH u AS (INSERT INTO users (email, password_hash, display_name, slug)
                               VALUES ($1, 'x', $2, $1) RETURNING id),
                         r AS (INSERT INTO user_roles (user_id, role_id) SELECT u.id, roles.id FROM u, roles WHERE roles.name = 'user')
                    INSERT INTO incident_timers (user_id, notes) SELECT u.id, n FROM u, unnest(ARRAY['a', 'b']) n
                    """, connection, tx)
                {
                    Parameters = { new() { Value = $"w{w}-{seq}" }, new() { Value = $"writer {w} #{seq}" } },
                };
                await write.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                committed[w] = seq + 1;
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = committed.Sum();
        var environment = Scripts.Environment(fixture, source.ConnectionString);
        environment["BACKUP_DIR"] = _backups;
        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        var after = committed.Sum();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(backup.ExitCode == 0, backup.ToString());

        var file = Assert.Single(Directory.GetFiles(_backups));
        var restoreEnvironment = Scripts.Environment(fixture, target.ConnectionString);
        var restore = await Scripts.RunAsync("restore-db.sh", restoreEnvironment, null, file, "--yes");
        Assert.True(restore.ExitCode == 0, restore.ToString());

        await using var restored = await target.OpenAsync();
        // Every foreign key holds.
        Assert.Equal(0L, await restored.ScalarAsync<long>("SELECT count(*) FROM incident_timers t LEFT JOIN users u ON u.id = t.user_id WHERE u.id IS NULL"));
        Assert.Equal(0L, await restored.ScalarAsync<long>(
            "SELECT count(*) FROM user_roles ur LEFT JOIN users u ON u.id = ur.user_id LEFT JOIN roles r ON r.id = ur.role_id WHERE u.id IS NULL OR r.id IS NULL"));
        // No transaction in part: each user has its role and both timers.
        Assert.Equal(0L, await restored.ScalarAsync<long>("""
            SELECT count(*) FROM users u
            WHERE (SELECT count(*) FROM incident_timers t WHERE t.user_id = u.id) <> 2
               OR (SELECT count(*) FROM user_roles ur WHERE ur.user_id = u.id) <> 1
            """));
        // One moment: each writer's transactions are there without a gap, from the first up to some point.
        var total = 0L;
        for (var w = 0; w < Writers; w++)
        {
            var present = await restored.ColumnAsync<int>(
                "SELECT substring(email from '-(\\d+)$')::int FROM users WHERE email LIKE $1 ORDER BY 1", $"w{w}-%");
            Assert.Equal(Enumerable.Range(0, present.Count), present);
            total += present.Count;
        }
        output.WriteLine($"committed {before} before the backup started, {after} when it ended, {committed.Sum()} in all; the backup holds {total}");
        Assert.InRange(total, before, after);
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
