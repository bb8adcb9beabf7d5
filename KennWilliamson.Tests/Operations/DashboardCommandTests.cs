using System.Net;
using KennWilliamson.AppHost.Postgres;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>"Back up now" on the shared application: it changes nothing, so it runs on the shared database.</summary>
[Collection(SharedApp.Name)]
[Trait("Category", TestPostgres.NeedsClientTools)]
public sealed class BackupCommandTests(AppFixture fixture)
{
    [Fact]
    public async Task Back_up_now_writes_a_verified_dump_and_reports_success()
    {
        var before = Directory.Exists(fixture.BackupDirectory) ? Directory.GetFiles(fixture.BackupDirectory).Length : 0;

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp)
            .WaitAsync(Scripts.Timeout);

        Assert.True(result.Success, result.Message);
        Assert.Contains("Backup done", result.Message, StringComparison.Ordinal);
        var files = Directory.GetFiles(fixture.BackupDirectory, "kennwilliamson_*.dump.gpg");
        Assert.Equal(before + 1, files.Length);
        var verify = await Scripts.RunAsync("backup-db.sh", new Dictionary<string, string> { ["BACKUP_KEY"] = fixture.BackupKey }, null, "--verify", files.Max()!);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Rehearse_migrations_restores_the_newest_backup_into_a_copy_reports_and_drops_it()
    {
        var backup = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp).WaitAsync(Scripts.Timeout);
        Assert.True(backup.Success, backup.Message);

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.Rehearse).WaitAsync(Scripts.Timeout);

        // The shared database is current, so its backup has nothing pending.
        Assert.True(result.Success, result.Message);
        Assert.Contains("Rehearsal done: no pending migrations", result.Message, StringComparison.Ordinal);
        await using var connection = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE '%\\_rehearsal\\_%'"));
    }
}

/// <summary>
/// The reset commands wipe the database, so they run in an application of their own (like
/// FailedMigrationTests), with its API running: after a reset the API still answers.
/// </summary>
public sealed class ResetCommandTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestPaths.NewTempDirectory("reset");
    private DistributedApplication _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateLocalAsync(Path.Combine(_dataRoot, "data"), $"--Backups:Directory={Path.Combine(_dataRoot, "backups")}");
        _app = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        await _app.StartAsync(cts.Token).WaitAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
        _api = _app.CreateHttpClient("api", "http");
        _api.Timeout = TimeSpan.FromSeconds(30);
    }

    [Fact]
    public async Task Reset_with_seed_then_reset_leave_the_seed_data_then_nothing_and_the_api_keeps_working()
    {
        var account = await _api.RegisterAsync();

        var seeded = await _app.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.ResetWithSeed).WaitAsync(Scripts.Timeout);

        Assert.True(seeded.Success, seeded.Message);
        Assert.Contains("Reset done", seeded.Message, StringComparison.Ordinal);
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(["kenn@example.com"], await connection.ColumnAsync<string>("SELECT email::text FROM users"));
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers"));
        }
        using (var login = await _api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = "kenn@example.com", password = "TestPassword1" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using (var gone = await _api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password }))
        {
            await gone.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var reset = await _app.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.Reset).WaitAsync(Scripts.Timeout);

        Assert.True(reset.Success, reset.Message);
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users"));
            Assert.Equal(2L, await connection.ScalarAsync<long>("SELECT count(*) FROM roles"));
        }
        var again = await _api.RegisterAsync(email: account.Email);
        Assert.Equal(account.Email, again.Email);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await _app.GetConnectionStringAsync("kennwilliamson"));
        await connection.OpenAsync().WaitAsync(SchemaSql.Timeout);
        return connection;
    }

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file; the folder is in /tmp.
        }
    }
}
