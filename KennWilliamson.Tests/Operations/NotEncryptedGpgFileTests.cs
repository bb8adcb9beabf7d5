using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// Files gpg reads with no passphrase where a backup is expected: <c>gpg --store</c> (a compressed literal
/// packet: <c>gpg --decrypt</c> prints it and exits 0), the same armored, one encrypted to a gpg public key,
/// one only signed. None is encrypted with the backup key, so verify, restore and rehearse refuse each, with
/// the right key, a wrong one and none, and say why; nothing is restored. A real backup still passes.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(73)]
public sealed class NotEncryptedGpgFileTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");
    private readonly string _gpgHome = TestPaths.NewTempDirectory("gpghome");

    // Named like a backup of this environment, so a rehearsal without FILE takes it as the newest.
    private const string StoredName = "kennwilliamson_development_20261204_120000.dump.gpg";

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_gpg_stored_file_is_refused_by_verify_restore_and_rehearse_with_the_key_a_wrong_key_and_none_and_nothing_is_restored()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_gpgstore");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        var plain = await UnencryptedBackupTests.PlainDumpAsync(scratch.ConnectionString, Path.Combine(_gpgHome, "plain.dump"));
        var stored = Path.Combine(_backups, StoredName);
        await GpgAsync("--store", "--output", stored, plain);
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var before = await Scripts.FingerprintAsync(connection);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        var wrongKey = new Dictionary<string, string>(environment) { ["BACKUP_KEY"] = "wrong-key-entirely" };
        // No key at all: the worker itself (the scripts would look for the AppHost's backup-key secret first).
        var noKey = new Dictionary<string, string>
        {
            ["Backups__Key"] = "",
            ["Backups__Directory"] = _backups,
            ["Backups__Environment"] = "development",
        };

        var runs = new Dictionary<string, ProcessResult>();
        foreach (var (key, values) in new[] { ("the key", environment), ("a wrong key", wrongKey) })
        {
            runs[$"verify, {key}"] = await Scripts.RunAsync("backup-db.sh", values, null, "--verify", stored);
            runs[$"restore, {key}"] = await Scripts.RunAsync("restore-db.sh", values, null, stored, "--yes");
            runs[$"rehearse FILE, {key}"] = await Scripts.RunAsync("rehearse-migrations.sh", values, null, stored);
            runs[$"rehearse, {key}"] = await Scripts.RunAsync("rehearse-migrations.sh", values, null);
        }
        runs["verify, no key"] = await WorkerProcess.RunAsync(scratch.ConnectionString, fixture.AppDbPassword, noKey, "verify-backup", stored);
        runs["restore, no key"] = await WorkerProcess.RunAsync(scratch.ConnectionString, fixture.AppDbPassword, noKey, "restore", stored, "--yes");
        runs["rehearse FILE, no key"] = await WorkerProcess.RunAsync(scratch.ConnectionString, fixture.AppDbPassword, noKey, "rehearse", stored);
        runs["rehearse, no key"] = await WorkerProcess.RunAsync(scratch.ConnectionString, fixture.AppDbPassword, noKey, "rehearse");

        foreach (var (what, run) in runs)
        {
            Assert.True(run.ExitCode != 0, $"{what}: {run}");
            // A script prints one line; the worker run by hand logs too, and its reason is the "error:" line.
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var reason = lines.SingleOrDefault(line => line.StartsWith("error: ", StringComparison.Ordinal)) ?? Assert.Single(lines);
            Assert.Contains($"{stored} is not encrypted with a backup key: it holds OpenPGP compressed data, not encrypted data (as gpg --store", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("verified", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Restoring", run.Output, StringComparison.Ordinal);
        }
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));
        Assert.Empty(await RehearsalScriptTests.ScratchCopiesAsync(connection));
    }

    /// <summary>The other files gpg decrypts, or prints, without the backup key: each refused by verify with what it is (a signed file uncompressed, so its signature comes first).</summary>
    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Armored_public_key_encrypted_and_signed_only_files_are_refused_and_say_what_they_are()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_gpgother");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        var plain = await UnencryptedBackupTests.PlainDumpAsync(scratch.ConnectionString, Path.Combine(_gpgHome, "plain.dump"));
        await GpgAsync("--passphrase", "", "--quick-generate-key", "Someone Else <else@example.com>", "future-default", "default", "never");
        var files = new Dictionary<string, string>
        {
            ["ASCII-armored OpenPGP text"] = Path.Combine(_backups, "armored.dump.gpg"),
            ["encrypted to a gpg public key"] = Path.Combine(_backups, "public-key.dump.gpg"),
            ["only signed, not encrypted"] = Path.Combine(_backups, "signed.dump.gpg"),
        };
        await GpgAsync("--store", "--armor", "--output", files["ASCII-armored OpenPGP text"], plain);
        await GpgAsync("--trust-model", "always", "--recipient", "else@example.com", "--encrypt", "--output", files["encrypted to a gpg public key"], plain);
        await GpgAsync("--passphrase", "", "--sign", "--compress-algo", "none", "--output", files["only signed, not encrypted"], plain);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);

        foreach (var (what, file) in files)
        {
            var verify = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", file);

            Assert.True(verify.ExitCode != 0, $"{what}: {verify}");
            var line = Assert.Single(verify.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"backup-db.sh: verification failed: {file} is not encrypted with a backup key: it is {what}", line, StringComparison.Ordinal);
        }
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_real_backup_still_verifies_restores_and_rehearses()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_gpgreal");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        var original = await Scripts.FingerprintAsync(connection);
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var file = Assert.Single(Directory.GetFiles(_backups));
        await connection.ExecuteAsync("DELETE FROM incident_timers");

        var verify = await Scripts.RunAsync("backup-db.sh", environment, null, "--verify", file);
        var restore = await Scripts.RunAsync("restore-db.sh", environment, null, file, "--yes");
        var rehearse = await Scripts.RunAsync("rehearse-migrations.sh", environment, null);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"{file}: verified (", verify.Output, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));
        Assert.True(rehearse.ExitCode == 0, rehearse.ToString());
        Assert.Contains("Rehearsal done", rehearse.Output, StringComparison.Ordinal);
    }

    /// <summary>gpg with this test's own home: no keyring of the machine's is read or written.</summary>
    private async Task GpgAsync(params string[] args)
    {
        var result = await ChildProcess.RunAsync("gpg", ["--batch", "--homedir", _gpgHome, "--pinentry-mode", "loopback", .. args], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task InitializeAsync()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_gpgHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // gpg wants its home private
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await ChildProcess.RunAsync("gpgconf", ["--homedir", _gpgHome, "--kill", "all"], TimeSpan.FromSeconds(30));
        Directory.Delete(_gpgHome, recursive: true);
        Directory.Delete(_backups, recursive: true);
    }
}
