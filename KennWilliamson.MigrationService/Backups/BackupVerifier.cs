namespace KennWilliamson.MigrationService.Backups;

/// <summary>A verified backup's number of tables with data, or why it is not sound.</summary>
internal sealed record BackupCheck(int Tables, string? Failure);

/// <summary>
/// Checks a backup before it counts (a new one) or is used (a restore): it decrypts with the backup key,
/// its table of contents reads (<c>pg_restore --list</c>), and every data block reads (a full read into
/// nothing), so a wrong key, a truncated file and a foreign file are each caught.
/// </summary>
internal static class BackupVerifier
{
    public static async Task<BackupCheck> VerifyAsync(string file, string? key, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            return new(0, $"no such file: {file}");
        }
        if (new FileInfo(file).Length == 0)
        {
            return new(0, $"{file} is empty");
        }
        var list = await DumpReader.RunAsync(file, key, ["--list"], null, ct);
        if (list.DecryptError is not null)
        {
            return new(0, DumpReader.CannotDecrypt(file, list.DecryptError));
        }
        if (list.ExitCode != 0)
        {
            return new(0, $"{file} is not a valid dump (pg_restore --list: {ToolProcess.LastLine(list.Error)})");
        }
        var read = await DumpReader.RunAsync(file, key, ["--file=/dev/null"], null, ct);
        if (read.DecryptError is not null || read.ExitCode != 0 || read.Error.Trim().Length > 0)
        {
            return new(0, $"{file} is damaged (pg_restore: {ToolProcess.LastLine(read.Error + read.DecryptError)})");
        }
        return new(list.Output.Split('\n').Count(line => line.Contains(" TABLE DATA ", StringComparison.Ordinal)), null);
    }
}
