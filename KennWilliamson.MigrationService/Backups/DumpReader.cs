using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>What one pg_restore over a backup did; <see cref="DecryptError"/> is gpg's reason when the file did not decrypt.</summary>
internal sealed record DumpReadResult(int ExitCode, string Output, string Error, string? DecryptError);

/// <summary>
/// Runs pg_restore over a backup: an encrypted one is decrypted by gpg straight into pg_restore's standard
/// input (the plaintext never touches the disk), a plain pg_dump archive is read as is only when
/// <see cref="BackupSettings.AllowUnencrypted"/> (checked here, at the read itself, so a file swapped after
/// its verification is refused all the same). Every verb that reads a backup (verify, restore, rehearse)
/// goes through here. Stopping the verb (its token) stops gpg and pg_restore too.
/// </summary>
internal static class DumpReader
{
    public static async Task<DumpReadResult> RunAsync(string file, BackupSettings settings, IReadOnlyList<string> args,
        NpgsqlConnectionStringBuilder? target, CancellationToken ct, string? pgOptions = null)
    {
        var plain = PlainDump.Check(file, settings.AllowUnencrypted);
        await using var gpg = plain ? null : new Gpg(settings.Key);
        using var restore = ToolProcess.Start(ClientTools.Find("pg_restore"), plain ? [.. args, file] : args, start =>
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
            var decryptError = gpg is null ? null : await DecryptIntoAsync(gpg, file, restore.StandardInput.BaseStream, ct);
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
    /// The file decrypted into <paramref name="destination"/>; gpg's reason when it fails. When pg_restore
    /// stops reading early (<c>--list</c> reads the table of contents only; or it failed) the rest is still
    /// decrypted, into nothing, so a damaged or truncated end is caught all the same.
    /// </summary>
    private static async Task<string?> DecryptIntoAsync(Gpg gpg, string file, Stream destination, CancellationToken ct)
    {
        using var decrypt = await gpg.StartDecryptAsync(file, ct);
        using var stop = ct.Register(() => ToolProcess.Stop(decrypt));
        try
        {
            var gpgError = decrypt.StandardError.ReadToEndAsync(ct);
            try
            {
                await decrypt.StandardOutput.BaseStream.CopyToAsync(destination, ct);
            }
            catch (IOException)
            {
                await decrypt.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
            }
            await decrypt.WaitForExitAsync(ct);
            return decrypt.ExitCode == 0 ? null : ToolProcess.LastLine(await gpgError);
        }
        finally
        {
            ToolProcess.Stop(decrypt);
        }
    }

    public static string CannotDecrypt(string file, string gpgReason) =>
        $"{file} cannot be decrypted with this backup key: wrong BACKUP_KEY, or a damaged or foreign file (gpg: {gpgReason})";
}
