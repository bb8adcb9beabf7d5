namespace KennWilliamson.MigrationService.Backups;

/// <summary>A verified backup's number of tables with data and whether it was encrypted, or why it is not sound.</summary>
internal sealed record BackupCheck(int Tables, string? Failure, bool Encrypted = true)
{
    /// <summary>What a report says of a sound backup; a plain dump (accepted by --allow-unencrypted) is named UNENCRYPTED.</summary>
    public string Summary => Encrypted
        ? $"verified ({Tables} tables with data, encrypted)"
        : $"verified UNENCRYPTED ({Tables} tables with data; a plain pg_dump archive, read because of {PlainDump.Flag})";
}

/// <summary>
/// Checks a backup before it counts (a new one) or is used (a restore): it is encrypted with a passphrase
/// (not merely something gpg reads: <see cref="BackupContent"/>), it decrypts with the backup key, its table
/// of contents reads (<c>pg_restore --list</c>), and every data block reads (a full read into nothing), so a
/// wrong key, a truncated file and a foreign file are each caught. A plain pg_dump archive fails unless
/// <see cref="BackupSettings.AllowUnencrypted"/>.
/// </summary>
internal static class BackupVerifier
{
    public static async Task<BackupCheck> VerifyAsync(string file, BackupSettings settings, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            return new(0, $"no such file: {file}");
        }
        if (new FileInfo(file).Length == 0)
        {
            return new(0, $"{file} is empty");
        }
        var (plain, refusal) = BackupContent.Inspect(file, settings.AllowUnencrypted);
        if (refusal is not null)
        {
            return new(0, refusal, Encrypted: false);
        }
        var list = await DumpReader.RunAsync(file, settings, ["--list"], null, ct);
        if (list.DecryptError is not null)
        {
            return new(0, DumpReader.CannotDecrypt(file, list.DecryptError));
        }
        if (list.ExitCode != 0)
        {
            return new(0, $"{file} is not a valid dump (pg_restore --list: {ToolProcess.LastLine(list.Error)})");
        }
        var read = await DumpReader.RunAsync(file, settings, ["--file=/dev/null"], null, ct);
        if (read.DecryptError is not null || read.ExitCode != 0 || read.Error.Trim().Length > 0)
        {
            return new(0, $"{file} is damaged (pg_restore: {ToolProcess.LastLine(read.Error + read.DecryptError)})");
        }
        return new(list.Output.Split('\n').Count(line => line.Contains(" TABLE DATA ", StringComparison.Ordinal)), null, !plain);
    }
}
