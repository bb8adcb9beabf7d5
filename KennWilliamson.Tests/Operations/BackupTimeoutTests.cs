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
    // Short, so the test does not wait long; the longer one only when the worker and pg_dump could not reach the lock
    // before the short one ran out (a loaded machine). Neither a whole minute: the message would say "1 minute".
    private static readonly int[] TimeoutsSeconds = [15, 50];

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // /proc
    public async Task A_backup_stopped_by_the_time_out_reports_it_and_leaves_no_partial_no_gpg_home_and_no_process()
    {
        foreach (var timeout in TimeoutsSeconds)
        {
            if (await TryTimeOutAsync(timeout, last: timeout == TimeoutsSeconds[^1]))
            {
                return;
            }
        }
    }

    /// <summary>False when the time-out came before pg_dump was seen waiting, which says nothing about the clean-up.</summary>
    private static async Task<bool> TryTimeOutAsync(int timeoutSeconds, bool last)
    {
        await using var app = await IsolatedApp.StartAsync("backup-timeout", $"--DatabaseCommands:TimeoutSeconds={timeoutSeconds}");
        await using var holder = await Connections.OpenAsync(await app.ConnectionStringAsync("kennwilliamson"));
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockUsers = new NpgsqlCommand("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockUsers.ExecuteNonQueryAsync();
        }

        var command = app.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp);
        var patience = TimeSpan.FromSeconds(timeoutSeconds);

        // While pg_dump waits for the lock, the run has its .partial and its gpg home: their absence afterwards means something.
        List<int> workers = [];
        string[] partials = [], homes = [];
        var seen = await UntilAsync("one worker process", patience, command,
                () => Task.FromResult((workers = ProcessScan.Mentioning("KennWilliamson.MigrationService.dll", app.BackupDirectory)).Count == 1))
            && await UntilAsync("one .partial", patience, command,
                () => Task.FromResult(Directory.Exists(app.BackupDirectory) && (partials = Directory.GetFiles(app.BackupDirectory, "*.partial")).Length == 1))
            && await UntilAsync("the worker's gpg home", patience, command,
                () => Task.FromResult((homes = Directory.GetDirectories(Path.GetTempPath(), $"kennwilliamson-gpg-{workers[0]}-*")).Length == 1))
            && await UntilAsync("pg_dump waiting for the lock", patience, command, async () => await holder.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kennwilliamson-worker' AND wait_event_type = 'Lock'") == 1);
        if (!seen)
        {
            Assert.False(last, $"the backup ended within its {timeoutSeconds} s time-out before pg_dump was seen waiting for the lock");
            await transaction.RollbackAsync();
            await command.WaitAsync(TimeSpan.FromMinutes(2));
            return false;
        }

        var result = await command.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.False(result.Success);
        Assert.Contains($"The migration worker's backup did not finish within {timeoutSeconds} seconds and was stopped", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(partials[0]), $"{partials[0]} was left");
        Assert.Empty(Directory.GetFiles(app.BackupDirectory));
        Assert.False(Directory.Exists(homes[0]), $"{homes[0]} was left");
        // The worker and everything it started (pg_dump, gpg, gpg's agent) carry its environment, which names the backup folder.
        await UntilAsync("no process left", patience, null, () => Task.FromResult(ProcessScan.Mentioning(app.BackupDirectory).Count == 0));
        await transaction.RollbackAsync();
        return true;
    }

    /// <summary>True once <paramref name="condition"/> holds; false if <paramref name="command"/> ended first (its time-out came early).</summary>
    private static async Task<bool> UntilAsync(string what, TimeSpan patience, Task? command, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (command is { IsCompleted: true })
            {
                return false;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not seen within {patience.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        return true;
    }
}
