using KennWilliamson.MigrationService.Operations;
using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary><c>restore FILE</c>: the checked backup in one transaction, after the typed confirmation.</summary>
internal sealed class RestoreCommand(BackupSettings settings, OperatorReport report, TextReader input)
{
    public async Task RunAsync(NpgsqlConnectionStringBuilder target, string file, bool yes, CancellationToken ct)
    {
        var label = DatabaseLabel.Of(target);
        var check = await BackupVerifier.VerifyAsync(file, settings, ct);
        if (check.Failure is not null)
        {
            throw new InvalidOperationException($"nothing restored: {check.Failure}");
        }
        report.Line($"{file}: {check.Summary}");
        if (!yes)
        {
            report.Line($"This replaces the data of {label} with the backup.");
            if ((await report.AskAsync($"Type the database name ({target.Database}) to continue: ", input, ct))?.Trim() != target.Database)
            {
                throw new InvalidOperationException($"not confirmed: nothing was restored (type '{target.Database}', or pass --yes)");
            }
        }

        List<string> options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", $"--dbname={target.Database}"];
        await using var connection = await Unpooled.OpenAsync(target.ConnectionString, ct);
        var missing = await MissingRolesAsync(file, connection, ct);
        if (missing.Count > 0)
        {
            options.Add("--no-privileges");
            report.Line($"  roles missing on this server ({string.Join(' ', missing)}): restoring without grants (the API role's are re-applied at the end)");
        }

        report.Line($"Restoring into {label}");
        var result = await DumpReader.RunAsync(file, settings, options, target, ct, pgOptions: "-c lock_timeout=30s");
        if (result.ExitCode == 0 && result.DecryptError is not null)
        {
            // pg_restore committed what it read, but gpg failed at the end: the file changed since it was verified.
            throw new InvalidOperationException($"the restore committed, but the backup stopped decrypting at its end (gpg: {result.DecryptError}): check the data, or restore a sound backup");
        }
        if (result.DecryptError is not null || result.ExitCode != 0)
        {
            var first = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            throw new InvalidOperationException($"restore failed, nothing changed: {ToolProcess.LastLine(first ?? result.DecryptError ?? "")}");
        }
        report.Line("");
        report.Line($"Restore done: {label} from {file}");
        await RowCounts.PrintAsync(connection, report, ct);
    }

    /// <summary>The roles the dump grants to (other than PUBLIC) that this server does not have.</summary>
    private async Task<List<string>> MissingRolesAsync(string file, NpgsqlConnection connection, CancellationToken ct)
    {
        var schema = await DumpReader.RunAsync(file, settings, ["--schema-only", "--file=-"], null, ct);
        var grantees = schema.Output.Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, "^GRANT .* TO \"?([^\";]+)\"?;$"))
            .Where(m => m.Success && m.Groups[1].Value != "PUBLIC")
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        await using var command = new NpgsqlCommand("SELECT r FROM unnest(@roles) AS r WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) ORDER BY r", connection);
        command.Parameters.AddWithValue("roles", grantees);
        var missing = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            missing.Add(reader.GetString(0));
        }
        return missing;
    }
}
