using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// A plain pg_dump archive where a backup is expected: the backup verb never writes one, so verify,
/// restore and rehearse refuse it unless told --allow-unencrypted, and then say UNENCRYPTED.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(28)]
public sealed class UnencryptedBackupTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    private const string PlainName = "kennwilliamson_development_20261204_120000.dump";

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_plain_dump_is_refused_by_verify_restore_and_rehearse_without_allow_unencrypted_and_nothing_is_restored()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_plainno");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        // Named like a backup of this environment, so a rehearsal without FILE finds it as the newest.
        var plain = await PlainDumpAsync(scratch.ConnectionString, Path.Combine(_backups, PlainName));
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var before = await Scripts.FingerprintAsync(connection);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        var runs = new Dictionary<string, ProcessResult>
        {
            ["verify"] = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", plain),
            ["restore"] = await Scripts.RunAsync("restore-db.sh", environment, null, plain, "--yes"),
            ["rehearse FILE"] = await Scripts.RunAsync("rehearse-migrations.sh", environment, null, plain),
            ["rehearse"] = await Scripts.RunAsync("rehearse-migrations.sh", environment, null),
        };

        foreach (var (what, run) in runs)
        {
            Assert.True(run.ExitCode != 0, $"{what}: {run}");
            var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{plain} is not encrypted: it is a plain pg_dump archive", line, StringComparison.Ordinal);
            Assert.Contains("pass --allow-unencrypted", line, StringComparison.Ordinal);
            Assert.DoesNotContain("verified", run.Output, StringComparison.Ordinal);
        }
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));
        Assert.Empty(await RehearsalScriptTests.ScratchCopiesAsync(connection));
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task With_allow_unencrypted_a_plain_dump_verifies_restores_and_rehearses_and_every_report_says_UNENCRYPTED()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_plainok");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        var original = await Scripts.FingerprintAsync(connection);
        var plain = await PlainDumpAsync(scratch.ConnectionString, Path.Combine(_backups, PlainName));
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        var verify = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", plain, "--allow-unencrypted");
        var restore = await Scripts.RunAsync("restore-db.sh", environment, null, "--allow-unencrypted", plain, "--yes");
        var rehearse = await Scripts.RunAsync("rehearse-migrations.sh", environment, null, "--allow-unencrypted");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"{plain}: verified UNENCRYPTED", verify.Output, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"{plain}: verified UNENCRYPTED", restore.Output, StringComparison.Ordinal);
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));
        Assert.True(rehearse.ExitCode == 0, rehearse.ToString());
        Assert.Contains($"{plain} is UNENCRYPTED: a plain pg_dump archive", rehearse.Output, StringComparison.Ordinal);
        Assert.Contains("Rehearsal done", rehearse.Output, StringComparison.Ordinal);
        Assert.Empty(await RehearsalScriptTests.ScratchCopiesAsync(connection));
    }

    /// <summary>pg_dump run by hand (as before backups were encrypted): a plain custom-format archive.</summary>
    internal static async Task<string> PlainDumpAsync(string connectionString, string path)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = PostgresMachine.FindTool("pg_dump");
        var result = await ChildProcess.RunAsync(pgDump, ["--format=custom", $"--file={path}"], TimeSpan.FromMinutes(1), new Dictionary<string, string>
        {
            ["PGHOST"] = b.Host!,
            ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = b.Username!,
            ["PGPASSWORD"] = b.Password!,
            ["PGDATABASE"] = b.Database!,
        });
        Assert.True(result.ExitCode == 0, result.ToString());
        return path;
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
