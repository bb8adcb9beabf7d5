using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

internal sealed record DumpReadResult(int ExitCode, string Output, string Error, string? DecryptError);

/// <summary>
/// pg_restore over a backup read from one checked handle (a file swapped after verification is refused); gpg
/// decrypts straight into it, so the plaintext never touches the disk.
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

    /// <summary>Decrypts into <paramref name="destination"/>; the rest is still read when pg_restore stops early, so a damaged end is caught.</summary>
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

    private static async Task CopyUntilClosedAsync(Stream source, Stream destination, CancellationToken ct)
    {
        try
        {
            await source.CopyToAsync(destination, ct);
        }
        catch (IOException)
        {
        }
    }

    public static string CannotDecrypt(string file, string gpgReason) =>
        $"{file} cannot be decrypted with this backup key: wrong Backups:Key, or a damaged or foreign file (gpg: {gpgReason})";
}
