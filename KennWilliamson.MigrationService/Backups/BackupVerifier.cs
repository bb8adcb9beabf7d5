namespace KennWilliamson.MigrationService.Backups;

/// <summary>A verified backup's number of tables with data and whether it was encrypted, or why it is not sound.</summary>
internal sealed record BackupCheck(int Tables, string? Failure, bool Encrypted = true)
{
    public string Summary => Encrypted
        ? $"verified ({Tables} tables with data, encrypted)"
        : $"verified UNENCRYPTED ({Tables} tables with data; a plain pg_dump archive, read because of {PlainDump.Flag})";
}

/// <summary>A backup is sound when it is encrypted with a passphrase, decrypts, and every block reads.</summary>
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
