using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// The verbs that ask (reset, restore) started with standard input closed (<c>&lt;&amp;-</c>), not merely
/// at its end: no answer, so they refuse at once and exit 1, changing nothing, instead of waiting forever
/// on the pipe the .NET runtime puts where the input was. Run through the scripts and as the worker by hand.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(38)]
public sealed class ClosedInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Reset_and_restore_scripts_with_standard_input_closed_refuse_and_exit_1()
    {
        var (scratch, connection, file) = await BackedUpAsync("ops_stdinscript");
        await using var _ = scratch;
        await using var __ = connection;
        var before = await Scripts.FingerprintAsync(connection);
        var name = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database!;
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        var reset = await Scripts.RunWithInputClosedAsync("bash", [Scripts.ScriptPath("reset-db.sh")], environment);
        var restore = await Scripts.RunWithInputClosedAsync("bash", [Scripts.ScriptPath("restore-db.sh"), file], environment);

        Assert.Equal(1, reset.ExitCode);
        Assert.Equal($"reset-db.sh: not confirmed: nothing was dropped (type '{name}', or pass --yes)", Assert.Single(reset.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(1, restore.ExitCode);
        Assert.Equal($"restore-db.sh: not confirmed: nothing was restored (type '{name}', or pass --yes)", Assert.Single(restore.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task The_worker_run_by_hand_with_standard_input_closed_refuses_reset_and_restore_and_exits_1()
    {
        var (scratch, connection, file) = await BackedUpAsync("ops_stdinworker");
        await using var _ = scratch;
        await using var __ = connection;
        var before = await Scripts.FingerprintAsync(connection);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kennwilliamson"] = scratch.ConnectionString,
            ["AppDatabase__Password"] = fixture.AppDbPassword,
            ["Backups__Key"] = fixture.BackupKey,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        var worker = TestPaths.ProjectDll("KennWilliamson.MigrationService");

        var reset = await Scripts.RunWithInputClosedAsync("dotnet", [worker, "reset"], environment);
        var restore = await Scripts.RunWithInputClosedAsync("dotnet", [worker, "restore", file], environment);

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains("error: not confirmed: nothing was dropped", reset.Error, StringComparison.Ordinal);
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("error: not confirmed: nothing was restored", restore.Error, StringComparison.Ordinal);
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));
    }

    /// <summary>A migrated, seeded scratch database and a backup of it.</summary>
    private async Task<(ScratchDatabase Scratch, NpgsqlConnection Connection, string File)> BackedUpAsync(string prefix)
    {
        var scratch = await ScratchDatabase.CreateAsync(fixture, prefix);
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        var backup = await Scripts.RunAsync("backup-db.sh", Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString), null);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        return (scratch, connection, Assert.Single(Directory.GetFiles(_backups)));
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
