using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>A rehearsal's restore: grants left out, since roles of another server would stop it.</summary>
internal static class BackupRestore
{
    public static async Task RestoreAsync(string file, BackupSettings settings, NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var result = await DumpReader.RunAsync(file, settings,
            ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", $"--dbname={target.Database}"], target, ct);
        if (result.DecryptError is not null)
        {
            throw new InvalidOperationException(DumpReader.CannotDecrypt(file, result.DecryptError) + ".");
        }
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The backup {file} did not restore: {ToolProcess.LastLine(result.Error)}");
        }
    }
}
