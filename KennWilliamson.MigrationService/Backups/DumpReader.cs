using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>What one pg_restore over a backup did; <see cref="DecryptError"/> is gpg's reason when the file did not decrypt.</summary>
internal sealed record DumpReadResult(int ExitCode, string Output, string Error, string? DecryptError);

/// <summary>
/// Runs pg_restore over a backup, read from one handle (<see cref="BackupContent"/>, which refuses what is
/// neither encrypted with a passphrase nor an allowed plain archive, here at the read itself, so a file
/// swapped after its verification is refused all the same): an encrypted one is decrypted by gpg straight
/// into pg_restore's standard input (the plaintext never touches the disk) and counts only when gpg's status
/// shows a passphrase decryption; a plain pg_dump archive goes in as it is. Every verb that reads a backup
/// (verify, restore, rehearse) goes through here. Stopping the verb (its token) stops gpg and pg_restore too.
/// </summary>
internal static class DumpReader
{
    public static async Task<DumpReadResult> RunAsync(string file, BackupSettings settings, IReadOnlyList<string> args,
        NpgsqlConnectionStringBuilder? target, CancellationToken ct, string? pgOptions = null)
    {
        await using var content = BackupContent.Open(file, settings.AllowUnencrypted);
        await using var gpg = content.Plain ? null : new Gpg(settings.Key);
        using var restore = ToolProcess.Start(ClientTools.Find("pg_restore"), args, start =>
        {
            if (target is not null)
            {
                ToolProcess.Connect(start, target);
            }
            if (pgOptions is not null)
            {
                start.Environment["PGOPTIONS"] = pgOptions;
            }
        });
        // Both output streams are drained from the start: a pg_restore blocked on a full pipe would never exit.
        var error = restore.StandardError.ReadToEndAsync(ct);
        var output = restore.StandardOutput.ReadToEndAsync(ct);
        using var stop = ct.Register(() => ToolProcess.Stop(restore));
        try
        {
            string? decryptError = null;
            if (gpg is null)
            {
                await CopyUntilClosedAsync(content.Stream, restore.StandardInput.BaseStream, ct);
            }
            else
            {
                decryptError = await DecryptIntoAsync(gpg, content.Stream, restore.StandardInput.BaseStream, ct);
            }
            try
            {
                restore.StandardInput.Close();
            }
            catch (IOException)
            {
                // pg_restore had stopped reading; its exit code says whether that was an error.
            }
            await restore.WaitForExitAsync(ct);
            return new DumpReadResult(restore.ExitCode, await output, await error, decryptError);
        }
        finally
        {
            ToolProcess.Stop(restore);
        }
    }

    /// <summary>
    /// The file decrypted into <paramref name="destination"/>; gpg's reason when it fails, or why its status
    /// does not show a passphrase decryption. When pg_restore stops reading early (<c>--list</c> reads the
    /// table of contents only; or it failed) the rest is still decrypted, into nothing, so a damaged or
    /// truncated end is caught all the same.
    /// </summary>
    private static async Task<string?> DecryptIntoAsync(Gpg gpg, Stream file, Stream destination, CancellationToken ct)
    {
        var (started, statusFile) = await gpg.StartDecryptAsync(ct);
        using var decrypt = started;
        using var stop = ct.Register(() => ToolProcess.Stop(decrypt));
        try
        {
            var gpgError = decrypt.StandardError.ReadToEndAsync(ct);
            var feed = FeedAsync(file, decrypt, ct);
            try
            {
                await decrypt.StandardOutput.BaseStream.CopyToAsync(destination, ct);
            }
            catch (IOException)
            {
                await decrypt.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
            }
            await feed;
            await decrypt.WaitForExitAsync(ct);
            if (decrypt.ExitCode != 0)
            {
                return ToolProcess.LastLine(await gpgError);
            }
            return GpgStatus.NotSymmetric(File.Exists(statusFile) ? await File.ReadAllLinesAsync(statusFile, ct) : []);
        }
        finally
        {
            ToolProcess.Stop(decrypt);
        }
    }

    /// <summary>The file into gpg's standard input after the key, then closed; gpg stopping early (a wrong key) is its exit code's to tell.</summary>
    private static async Task FeedAsync(Stream file, System.Diagnostics.Process gpg, CancellationToken ct)
    {
        await CopyUntilClosedAsync(file, gpg.StandardInput.BaseStream, ct);
        try
        {
            gpg.StandardInput.Close();
        }
        catch (IOException)
        {
            // gpg had stopped reading.
        }
    }

    /// <summary>Copies until the source ends or the reader stops reading (a broken pipe: the reader's exit code says why).</summary>
    private static async Task CopyUntilClosedAsync(Stream source, Stream destination, CancellationToken ct)
    {
        try
        {
            await source.CopyToAsync(destination, ct);
        }
        catch (IOException)
        {
            // The reader closed its input: the rest is not needed, or it failed and its exit code says so.
        }
    }

    public static string CannotDecrypt(string file, string gpgReason) =>
        $"{file} cannot be decrypted with this backup key: wrong BACKUP_KEY, or a damaged or foreign file (gpg: {gpgReason})";
}
