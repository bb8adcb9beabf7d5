using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Operations;

public sealed partial class ScriptTests
{

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_backup_run_keeps_the_new_backup_and_those_within_seven_days_and_deletes_older_ones_of_the_pattern_only()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_retain");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        var now = DateTime.UtcNow;
        string Old(int days, string name = "")
        {
            var path = Path.Combine(_backups, name.Length > 0 ? name : $"kennwilliamson_development_{now.AddDays(-days):yyyyMMdd_HHmmss}.dump");
            File.WriteAllText(path, "an old backup");
            File.SetLastWriteTimeUtc(path, now.AddDays(-days));
            return Path.GetFileName(path);
        }
        var day1 = Old(1);
        var day6 = Old(6);
        Old(8);
        Old(30);
        var unrelated = Old(30, "notes.txt");
        var otherEnvironment = Old(30, "kennwilliamson_staging_20200101_000000.dump");

        var result = await Scripts.RunAsync("backup-db.sh", BackupEnvironment(scratch.ConnectionString), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        var kept = Directory.GetFiles(_backups).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var fresh = Assert.Single(kept, f => f is not null && f.StartsWith($"kennwilliamson_development_{now:yyyyMMdd}", StringComparison.Ordinal)
            && f != day1 && f != day6);
        Assert.Equal(new[] { day1, day6, fresh, unrelated, otherEnvironment }.Order(StringComparer.Ordinal), kept);
        Assert.Contains("removed 2 old backup(s)", result.Output, StringComparison.Ordinal);
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_truncated_dump_fails_verification_and_is_not_restored()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_corrupt");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        var environment = BackupEnvironment(scratch.ConnectionString);
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", environment, null)).ExitCode);
        var good = Assert.Single(Directory.GetFiles(_backups));
        var truncated = Path.Combine(_backups, "truncated.dump");
        File.Copy(good, truncated);
        using (var stream = new FileStream(truncated, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var sound = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", good);
        var verify = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", truncated);
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var restore = await Scripts.RunAsync("restore-db.sh", environment, null, truncated, "--yes");

        Assert.True(sound.ExitCode == 0, sound.ToString());
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("verification failed", verify.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, restore.ExitCode);
        Assert.Contains("nothing restored", restore.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers"));
    }
}
