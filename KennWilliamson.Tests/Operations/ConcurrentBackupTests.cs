using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Operations;

/// <summary>Backups that meet in one folder: two at once, and what a stopped one left behind.</summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(44)]
public sealed class ConcurrentBackupTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Two_backups_started_together_both_succeed_with_a_file_each_that_verifies_and_leave_no_partial()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_twobackups");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        const int Rounds = 3;

        for (var round = 0; round < Rounds; round++)
        {
            var both = await Task.WhenAll(Scripts.RunAsync("backup-db.sh", environment, null), Scripts.RunAsync("backup-db.sh", environment, null));

            Assert.All(both, run => Assert.True(run.ExitCode == 0, $"round {round}: {run}"));
        }

        var files = Directory.GetFiles(_backups);
        Assert.Equal(2 * Rounds, files.Length);
        Assert.All(files, f => Assert.Matches(Scripts.BackupName(), Path.GetFileName(f)));
        foreach (var file in files)
        {
            var verify = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", file);
            Assert.True(verify.ExitCode == 0, $"{file}: {verify}");
        }
    }

    /// <summary>
    /// A .partial no backup holds and a gpg home whose process is gone are a killed backup's: the next backup
    /// removes them. What a running backup holds (its locked .partial, the gpg home of a live process) and a
    /// .partial created a moment ago stay.
    /// </summary>
    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_backup_removes_what_stopped_backups_left_and_nothing_a_running_one_holds()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_leftovers");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        string Partial(string time, TimeSpan age)
        {
            var path = Path.Combine(_backups, $"kennwilliamson_development_{time}.dump.gpg.partial");
            File.WriteAllText(path, "half a backup");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
            return path;
        }
        var dead = Partial("20261204_010000", TimeSpan.FromHours(1));
        var otherEnvironment = Path.Combine(_backups, "kennwilliamson_staging_20261204_010000.dump.gpg.partial");
        File.Move(Partial("20261204_010001", TimeSpan.FromHours(1)), otherEnvironment);
        var held = Partial("20261204_020000", TimeSpan.FromHours(1));
        var fresh = Partial("20261204_030000", TimeSpan.Zero);
        var unrelated = Path.Combine(_backups, "notes.partial");
        File.WriteAllText(unrelated, "not a backup's");
        File.SetLastWriteTimeUtc(unrelated, DateTime.UtcNow.AddDays(-1));
        using var holding = new FileStream(held, FileMode.Open, FileAccess.Read, FileShare.ReadWrite); // as a running backup holds its own
        // A temp folder of this test's own (backups of tests beside it clean theirs), short enough for gpg-agent's socket path.
        var temp = Directory.CreateTempSubdirectory("kw").FullName;
        int exitedId; // once it has ended, its id names no process
        await using (var exited = ChildProcess.Start("true", []))
        {
            exitedId = exited.Id;
            await exited.WaitAsync();
        }
        var deadHome = Directory.CreateDirectory(Path.Combine(temp, $"kennwilliamson-gpg-{exitedId}-{Guid.NewGuid():N}")).FullName;
        File.WriteAllText(Path.Combine(deadHome, "random_seed"), "gpg");
        var liveHome = Directory.CreateDirectory(Path.Combine(temp, $"kennwilliamson-gpg-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        try
        {
            var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
            environment["TMPDIR"] = temp;
            var backup = await Scripts.RunAsync("backup-db.sh", environment, null);

            Assert.True(backup.ExitCode == 0, backup.ToString());
            Assert.False(File.Exists(dead), "a stopped backup's .partial was kept");
            Assert.False(File.Exists(otherEnvironment), "a stopped backup's .partial (another environment) was kept");
            Assert.False(Directory.Exists(deadHome), "a stopped worker's gpg home was kept");
            Assert.True(File.Exists(held), "a .partial a running backup holds was removed");
            Assert.True(File.Exists(fresh), "a .partial created a moment ago was removed");
            Assert.True(File.Exists(unrelated), "a file not named like a backup was removed");
            Assert.True(Directory.Exists(liveHome), "the gpg home of a running process was removed");
            Assert.Contains($"removed {Path.GetFileName(dead)}, left by a backup that was stopped", backup.Output, StringComparison.Ordinal);
            Assert.Contains($"removed the gpg home {deadHome}, left by a worker that was stopped", backup.Output, StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(_backups), f => Path.GetFileName(f).EndsWith(".dump.gpg", StringComparison.Ordinal));
            Assert.Equal([liveHome], Directory.GetDirectories(temp)); // its own gpg home went too
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
