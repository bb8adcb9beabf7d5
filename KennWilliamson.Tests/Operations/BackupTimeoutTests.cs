using KennWilliamson.AppHost;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// "Back up now" past the dashboard's time-out (DatabaseCommands:TimeoutSeconds, short here): pg_dump waits
/// for a table another session holds locked, the command stops the worker, and nothing of that run is left:
/// no .partial, no gpg home, no process.
/// </summary>
[Trait("Category", TestPostgres.NeedsClientTools)]
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class BackupTimeoutTests
{
    private const int TimeoutSeconds = 45; // the worker and pg_dump must reach the lock before it, on a loaded 2-core machine too
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(TimeoutSeconds);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // /proc
    public async Task A_backup_stopped_by_the_time_out_reports_it_and_leaves_no_partial_no_gpg_home_and_no_process()
    {
        await using var app = await IsolatedApp.StartAsync("backup-timeout", $"--DatabaseCommands:TimeoutSeconds={TimeoutSeconds}");
        await using var holder = await Connections.OpenAsync(await app.ConnectionStringAsync("kennwilliamson"));
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockUsers = new NpgsqlCommand("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockUsers.ExecuteNonQueryAsync();
        }

        var command = app.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp);

        // While pg_dump waits for the lock, the run has its .partial and its gpg home: their absence afterwards means something.
        List<int> workers = [];
        string[] partials = [], homes = [];
        await UntilAsync("one worker process", () => Task.FromResult((workers = ProcessScan.Mentioning("KennWilliamson.MigrationService.dll", app.BackupDirectory)).Count == 1));
        await UntilAsync("one .partial", () => Task.FromResult(Directory.Exists(app.BackupDirectory) && (partials = Directory.GetFiles(app.BackupDirectory, "*.partial")).Length == 1));
        await UntilAsync("the worker's gpg home", () => Task.FromResult((homes = Directory.GetDirectories(Path.GetTempPath(), $"kennwilliamson-gpg-{workers[0]}-*")).Length == 1));
        await UntilAsync("pg_dump waiting for the lock", async () => await holder.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kennwilliamson-worker' AND wait_event_type = 'Lock'") == 1);
        Assert.False(command.IsCompleted, "the backup ended before its time-out");

        var result = await command.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.False(result.Success);
        Assert.Contains($"The migration worker's backup did not finish within {TimeoutSeconds} seconds and was stopped", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(partials[0]), $"{partials[0]} was left");
        Assert.Empty(Directory.GetFiles(app.BackupDirectory));
        Assert.False(Directory.Exists(homes[0]), $"{homes[0]} was left");
        // The worker and everything it started (pg_dump, gpg, gpg's agent) carry its environment, which names the backup folder.
        await UntilAsync("no process left", () => Task.FromResult(ProcessScan.Mentioning(app.BackupDirectory).Count == 0));
        await transaction.RollbackAsync();
    }

    private static async Task UntilAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not seen within {Patience.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
