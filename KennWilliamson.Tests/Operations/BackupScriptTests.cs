using KennWilliamson.Tests.Deployment;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// scripts/backup-db.sh and restore-db.sh: a backup is encrypted and private, refused by too old a pg_dump,
/// kept for its retention, verified, and restores every row (after a typed confirmation) here and on newer servers.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(126)]
public sealed class BackupScriptTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Backup_then_delete_then_restore_brings_back_every_row_and_without_confirmation_nothing_changes()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_restore");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            var id = await connection.InsertUserAsync();
            await connection.ExecuteAsync("INSERT INTO incident_timers (user_id, notes) VALUES ($1, $2), ($1, NULL)", id, $"timer {i}");
        }
        var original = await Scripts.FingerprintAsync(connection);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var file = Assert.Single(Directory.GetFiles(_backups));
        Assert.Matches(Scripts.BackupName(), Path.GetFileName(file));

        await connection.ExecuteAsync("DELETE FROM users WHERE email <> 'kenn@example.com'");
        await connection.ExecuteAsync("DELETE FROM roles WHERE name = 'admin'");
        var damaged = await Scripts.FingerprintAsync(connection);
        Assert.NotEqual(original, damaged);

        // No --yes: no answer (closed stdin), then a wrong one. Nothing changes either time.
        var unanswered = await Scripts.RunAsync("restore-db.sh", environment, null, file);
        Assert.NotEqual(0, unanswered.ExitCode);
        Assert.Contains("not confirmed", unanswered.Error, StringComparison.Ordinal);
        var wrong = await Scripts.RunAsync("restore-db.sh", environment, "kennwilliamson\n", file);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Equal(damaged, await Scripts.FingerprintAsync(connection));

        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, file, "--yes");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Matches(@"users\s+6\n", restored.Output);
        Assert.Matches(@"incident_timers\s+11\n", restored.Output);
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));

        // Typing the database's name is the other way to confirm.
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var name = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database!;
        var typed = await Scripts.RunAsync("restore-db.sh", environment, name + "\n", file);
        Assert.True(typed.ExitCode == 0, typed.ToString());
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes; the scripts are bash
    public async Task A_backup_is_encrypted_and_private_and_a_wrong_key_restores_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_encrypt");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        var email = $"private.{Guid.NewGuid():N}@example.com";
        await connection.ExecuteAsync("INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, 'hash', 'Private', $2)", email, $"private-{Guid.NewGuid():N}");
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        var file = Assert.Single(Directory.GetFiles(_backups));
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(email)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("PGDMP"u8)); // not a plain pg_dump archive
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_backups));

        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var before = await Scripts.FingerprintAsync(connection);
        var wrongKey = new Dictionary<string, string>(environment) { ["BACKUP_KEY"] = "not-the-backup-key" };
        var restore = await Scripts.RunAsync("restore-db.sh", wrongKey, null, file, "--yes");
        var verify = await Scripts.RunAsync("backup-db.sh", wrongKey, null, "--verify", file);

        Assert.NotEqual(0, restore.ExitCode);
        Assert.Contains("nothing restored", restore.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be decrypted with this backup key", restore.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));

        // The right key brings the row back.
        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, file, "--yes");
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM users WHERE email = $1", email));
    }

    /// <summary>
    /// A pg_dump older than the server (it refuses a newer server): the backup says what to install and
    /// touches nothing. A stand-in pg_dump that reports an old version makes this hold on any server.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_pg_dump_older_than_the_server_stops_the_backup_with_what_to_install_and_touches_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_oldtools");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        var bin = TestPaths.NewTempDirectory("oldtools");
        var ran = Path.Combine(bin, "ran");
        var realPsql = PostgresMachine.FindTool("psql");
        File.CreateSymbolicLink(Path.Combine(bin, "psql"), realPsql);
        foreach (var tool in new[] { "pg_dump" })
        {
            var path = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(path, string.Join('\n',
                "#!/bin/sh",
                $"[ \"$1\" = --version ] && {{ echo '{tool} (PostgreSQL) 9.6.24'; exit 0; }}",
                $"touch '{ran}'; exit 1",
                ""));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        environment["PG_BIN"] = bin;
        await File.WriteAllTextAsync(Path.Combine(_backups, "kennwilliamson_development_20200101_000000.dump.gpg"), "an old backup");

        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);

        Assert.NotEqual(0, backup.ExitCode);
        Assert.Matches("pg_dump is PostgreSQL 9 but the server is PostgreSQL 1[5-9]: nothing was changed. Install the PostgreSQL 1[5-9] client tools", backup.Error);
        Assert.False(File.Exists(ran), "a client tool older than the server was run for real");
        Assert.Single(Directory.GetFiles(_backups)); // no new backup, the old one kept
        Directory.Delete(bin, recursive: true);
    }

    /// <summary>A backup taken on the machine's PostgreSQL (15 here) restores on 17 and on 18, every row intact.</summary>
    [Fact]
    [Trait("Category", TestPostgres.NeedsClientTools)]
    public async Task A_backup_restores_on_newer_major_versions_of_postgresql()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_upgrade");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var source = await scratch.OpenAsync();
        await source.ExecuteAsync("INSERT INTO incident_timers (user_id, notes) SELECT id, 'carried over' FROM users");
        var original = await Scripts.FingerprintAsync(source);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", environment, null)).ExitCode);
        var file = Directory.GetFiles(_backups).Single();

        foreach (var major in new[] { 17, 18 })
        {
            await using var server = await ExternalPostgresServer.StartAsync(await TestPostgres.ServerBuildAsync(major));
            var target = server.Connection("postgres", server.SuperuserPassword, "kennwilliamson");
            var restore = await Scripts.RunAsync("restore-db.sh", new Dictionary<string, string>(environment) { ["DATABASE_URL"] = Scripts.DatabaseUrl(target) }, null, file, "--yes");

            Assert.True(restore.ExitCode == 0, $"PostgreSQL {major}: {restore}");
            await using var restored = new NpgsqlConnection(target);
            await restored.OpenAsync();
            Assert.StartsWith(major.ToString(System.Globalization.CultureInfo.InvariantCulture), await restored.ScalarAsync<string>("SHOW server_version"), StringComparison.Ordinal);
            Assert.Equal(original, await Scripts.FingerprintAsync(restored));
        }
    }

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

        var result = await Scripts.RunAsync("backup-db.sh", Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString), null);

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
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
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

    /// <summary>
    /// Without KENNWILLIAMSON_ENV a backup is named after the worker's environment, the one its seed rule
    /// reads (DOTNET_ENVIRONMENT, Production when unset), never after ASPNETCORE_ENVIRONMENT, and a rehearsal
    /// looks for the same name; KENNWILLIAMSON_ENV still names it when set.
    /// </summary>
    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Backups_are_named_after_the_workers_environment_not_ASPNETCORE_ENVIRONMENT_and_rehearse_looks_for_that_name()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_envname");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        var operatorShell = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        operatorShell.Remove("KENNWILLIAMSON_ENV");
        operatorShell.Remove("DOTNET_ENVIRONMENT");
        operatorShell["ASPNETCORE_ENVIRONMENT"] = "Development";
        string[] unset = ["KENNWILLIAMSON_ENV", "DOTNET_ENVIRONMENT"];

        var backup = await Scripts.RunUnsetAsync("backup-db.sh", operatorShell, unset);
        var rehearse = await Scripts.RunUnsetAsync("rehearse-migrations.sh", operatorShell, unset);
        var asDevelopment = await Scripts.RunUnsetAsync("rehearse-migrations.sh", new Dictionary<string, string>(operatorShell) { ["DOTNET_ENVIRONMENT"] = "Development" }, ["KENNWILLIAMSON_ENV"]);
        var staging = await Scripts.RunUnsetAsync("backup-db.sh", new Dictionary<string, string>(operatorShell) { ["DOTNET_ENVIRONMENT"] = "Staging" }, ["KENNWILLIAMSON_ENV"]);
        var named = await Scripts.RunAsync("backup-db.sh", new Dictionary<string, string>(operatorShell) { ["DOTNET_ENVIRONMENT"] = "Staging", ["KENNWILLIAMSON_ENV"] = "qa" }, null);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        var production = Assert.Single(Directory.GetFiles(_backups, "kennwilliamson_production_*.dump.gpg"));
        Assert.True(rehearse.ExitCode == 0, rehearse.ToString());
        Assert.Contains($"on a copy of {production}", rehearse.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, asDevelopment.ExitCode);
        Assert.Contains($"No backup to rehearse on in {_backups} for the environment development", asDevelopment.Error, StringComparison.Ordinal);
        Assert.Contains("the backups there are of production", asDevelopment.Error, StringComparison.Ordinal);
        Assert.True(staging.ExitCode == 0, staging.ToString());
        Assert.Single(Directory.GetFiles(_backups, "kennwilliamson_staging_*.dump.gpg"));
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Single(Directory.GetFiles(_backups, "kennwilliamson_qa_*.dump.gpg"));
        Assert.Empty(Directory.GetFiles(_backups, "kennwilliamson_development_*"));
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
