using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests;

/// <summary>
/// A migration that fails: a table named like the fourth migration's exists before the worker runs
/// (created the moment the database is ready, before anything that waits for it starts).
/// </summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class FailedMigrationTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestPaths.NewTempDirectory("failed");
    private DistributedApplication? _app;

    [Fact]
    public async Task Failing_migration_exits_non_zero_the_api_never_starts_and_the_next_good_run_succeeds()
    {
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateLocalAsync(Path.Combine(_dataRoot, "data"));
        var database = builder.Resources.OfType<IResourceWithConnectionString>().Single(r => r.Name == "kennwilliamson");
        builder.Eventing.Subscribe<ResourceReadyEvent>(database, async (_, ct) =>
        {
            await using var connection = new NpgsqlConnection(await database.GetConnectionStringAsync(ct));
            await connection.OpenAsync(ct);
            await using var conflict = new NpgsqlCommand("CREATE TABLE incident_timers (conflict int)", connection);
            await conflict.ExecuteNonQueryAsync(ct);
        });

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token).WaitAsync(cts.Token);

        var migrations = await _app.ResourceNotifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart", cts.Token).WaitAsync(cts.Token);
        Assert.NotNull(migrations.Snapshot.ExitCode);
        Assert.NotEqual(0, migrations.Snapshot.ExitCode);

        var api = await _app.ResourceNotifications.WaitForResourceAsync("api",
            e => e.Snapshot.State?.Text is "FailedToStart" or "Running", cts.Token).WaitAsync(cts.Token);
        Assert.Equal(KnownResourceStates.FailedToStart, api.Snapshot.State?.Text);

        // The three migrations before the failing one stay applied; the failing one left nothing behind.
        await using var check = new NpgsqlConnection(await database.GetConnectionStringAsync(cts.Token));
        await check.OpenAsync(cts.Token);
        await using var history = new NpgsqlCommand("""SELECT string_agg(migration_id, ',' ORDER BY migration_id) FROM "__EFMigrationsHistory" """, check);
        Assert.Equal("20250829024919_create_users_table,20250829025210_create_roles_table,20250829095648_add_user_slug_to_users",
            await history.ExecuteScalarAsync(cts.Token));
        await using var columns = new NpgsqlCommand(
            "SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE table_name = 'incident_timers'", check);
        Assert.Equal("conflict", await columns.ExecuteScalarAsync(cts.Token));

        // The cause removed, the next run succeeds and the API can start.
        await using (var fix = new NpgsqlCommand("DROP TABLE incident_timers", check))
        {
            await fix.ExecuteNonQueryAsync(cts.Token);
        }
        await _app.ResourceCommands.ExecuteCommandAsync("migrations", "resource-start", cts.Token).WaitAsync(cts.Token);
        var rerun = await _app.ResourceNotifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.State?.Text is "Finished" or "Exited" && e.Snapshot.ExitCode == 0, cts.Token).WaitAsync(cts.Token);
        Assert.Equal(0, rerun.Snapshot.ExitCode);
        await using (var applied = new NpgsqlCommand("""SELECT count(*) FROM "__EFMigrationsHistory" """, check))
        {
            Assert.Equal((long)Schema.MigrationVerbTests.Migrations.Length, await applied.ExecuteScalarAsync(cts.Token));
        }
        await _app.ResourceCommands.ExecuteCommandAsync("api", "resource-start", cts.Token).WaitAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_dataRoot, recursive: true);
    }
}
