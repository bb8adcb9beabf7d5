using System.Diagnostics;
using System.Globalization;
using KennWilliamson.MigrationService.Operations;
using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// <c>backup</c>: pg_dump piped into gpg, 0600 in a 0700 folder (emails and password hashes), verified before
/// it counts, then the retention; a stopped backup leaves no .partial and no gpg home.
/// </summary>
internal sealed class BackupWriter(BackupSettings settings, OperatorReport report)
{
    public async Task RunAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var directory = settings.RequireDirectory();
        settings.RetentionDays(); // a bad retention stops the backup before anything runs
        Gpg.RequireKey(settings.Key); // no key: stop before anything runs
        var pgDump = ClientTools.Find("pg_dump");
        await CheckClientVersionAsync(pgDump, target, ct);
        PrivateDirectory(directory);
        await BackupLeftovers.RemoveAsync(directory, report.Line);

        report.Line($"Backing up {DatabaseLabel.Of(target)}");
        string file;
        await using (var partial = await PartialBackup.ClaimAsync(directory, settings.EnvironmentName, ct))
        {
            file = partial.Final;
            await DumpEncryptedAsync(pgDump, target, partial.Output, ct);
            await partial.Output.FlushAsync(ct);
            var check = await BackupVerifier.VerifyAsync(partial.Partial, settings, ct);
            if (check.Failure is not null)
            {
                throw new InvalidOperationException($"the new backup failed verification and was removed: {check.Failure.Replace(partial.Partial, "the dump", StringComparison.Ordinal)}");
            }
            await partial.KeepAsync(ct);
            report.Line($"  wrote {file} ({Size(new FileInfo(file).Length)}, {check.Tables} tables with data, encrypted), verified: decrypts, pg_restore --list and a full read");
        }
        var removed = BackupRetention.Apply(directory, settings, file, report.Line);
        report.Line($"Backup done: {file} (kept {settings.RetentionDays()} days; removed {removed} old backup(s))");
    }

    private async Task DumpEncryptedAsync(string pgDump, NpgsqlConnectionStringBuilder target, Stream output, CancellationToken ct)
    {
        await using var gpg = new Gpg(settings.Key);
        using var dump = ToolProcess.Start(pgDump, ["--format=custom"], start => ToolProcess.Connect(start, target));
        Process? encrypt = null;
        using var stop = ct.Register(() =>
        {
            ToolProcess.Stop(dump);
            if (encrypt is not null)
            {
                ToolProcess.Stop(encrypt);
            }
        });
        try
        {
            dump.StandardInput.Close();
            var dumpError = dump.StandardError.ReadToEndAsync(ct);
            encrypt = await gpg.StartEncryptAsync(ct);
            var encryptError = encrypt.StandardError.ReadToEndAsync(ct);
            var feed = FeedAsync(encrypt);
            await encrypt.StandardOutput.BaseStream.CopyToAsync(output, ct);
            await feed;
            await encrypt.WaitForExitAsync(ct);
            await dump.WaitForExitAsync(ct);
            ct.ThrowIfCancellationRequested(); // tools killed by the token: their exits say nothing
            // gpg first: when it fails, pg_dump was stopped for it and its own exit says nothing.
            if (encrypt.ExitCode != 0)
            {
                throw new InvalidOperationException($"encryption failed: {ToolProcess.LastLine(await encryptError)}");
            }
            if (dump.ExitCode != 0)
            {
                throw new InvalidOperationException($"pg_dump failed: {ToolProcess.LastLine(await dumpError)}");
            }
        }
        finally
        {
            ToolProcess.Stop(dump);
            if (encrypt is not null)
            {
                ToolProcess.Stop(encrypt);
                encrypt.Dispose();
            }
        }

        async Task FeedAsync(Process into)
        {
            try
            {
                await dump.StandardOutput.BaseStream.CopyToAsync(into.StandardInput.BaseStream, ct);
                into.StandardInput.Close();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // gpg stopped reading (its exit code and message say why), or the verb was stopped. pg_dump,
                // blocked on a full pipe nobody reads, is stopped, or it would never exit.
                ToolProcess.Stop(dump);
            }
        }
    }

    private static async Task CheckClientVersionAsync(string pgDump, NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var client = await ToolProcess.MajorVersionAsync(pgDump, ct);
        await using var connection = await Unpooled.OpenAsync(target.ConnectionString, ct);
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000", connection);
        var server = (int)(await command.ExecuteScalarAsync(ct))!;
        if (client < server)
        {
            throw new InvalidOperationException(
                $"pg_dump is PostgreSQL {client} but the server is PostgreSQL {server}: nothing was changed. Install the PostgreSQL {server} client tools (Debian/Ubuntu: postgresql-client-{server} from apt.postgresql.org) and set PG_BIN to their bin folder");
        }
    }

    private static void PrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
    };
}
