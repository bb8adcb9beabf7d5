using KennWilliamson.Tests.Deployment;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>What a backup is: encrypted and private, refused by too old a pg_dump, restorable on newer servers.</summary>
public sealed partial class ScriptTests
{
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
        var environment = BackupEnvironment(scratch.ConnectionString);

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
        var realPsql = Path.Combine(Path.GetDirectoryName(System.Diagnostics.Process.Start(
            new System.Diagnostics.ProcessStartInfo("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || command -v psql"]) { RedirectStandardOutput = true })!
            .StandardOutput.ReadToEnd().Trim())!, "psql");
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
        var environment = BackupEnvironment(scratch.ConnectionString);
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
        var environment = BackupEnvironment(scratch.ConnectionString);
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
}
