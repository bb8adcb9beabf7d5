using System.Globalization;
using System.Text.RegularExpressions;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>A rehearsal's backup: the file given, else the newest of this environment by the time in its name.</summary>
internal static partial class BackupSource
{
    [GeneratedRegex(@"^kennwilliamson_(?<env>[a-z0-9-]+)_(?<time>\d{8}_\d{6})\.dump(?:\.gpg)?$")]
    public static partial Regex BackupName();

    public static string Resolve(string? file, BackupSettings settings)
    {
        if (file is not null)
        {
            return File.Exists(file) ? Path.GetFullPath(file)
                : throw new InvalidOperationException($"No such backup file: {file}.");
        }
        var directory = settings.Directory;
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new InvalidOperationException(
                "No backup to rehearse on: pass a backup file (rehearse FILE) or set Backups:Directory (scripts/rehearse-migrations.sh uses backups/).");
        }
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"No backup to rehearse on: {directory} does not exist. Make one first (\"Back up now\" or scripts/backup-db.sh).");
        }
        var names = Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().ToList();
        if (Newest(names, settings.EnvironmentName) is { } newest)
        {
            return Path.Combine(directory, newest);
        }
        var others = names.Select(n => BackupName().Match(n)).Where(m => m.Success).Select(m => m.Groups["env"].Value)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        throw new InvalidOperationException(
            $"No backup to rehearse on in {directory} for the environment {settings.EnvironmentName} (kennwilliamson_{settings.EnvironmentName}_*.dump.gpg; "
            + $"Backups:Environment names it{(others.Count > 0 ? $", and the backups there are of {string.Join(", ", others)}" : "")}). "
            + "Make one first (\"Back up now\" or scripts/backup-db.sh).");
    }

    /// <summary>Never another environment's backup: production must not rehearse on a newer copy of staging.</summary>
    public static string? Newest(IEnumerable<string> names, string environment) =>
        names.Select(name => (Name: name, Time: TimeOf(name, environment)))
            .Where(b => b.Time is not null)
            .OrderByDescending(b => b.Time)
            .ThenByDescending(b => b.Name, StringComparer.Ordinal)
            .Select(b => b.Name)
            .FirstOrDefault();

    public static DateTime? TimeOf(string name, string environment)
    {
        var match = BackupName().Match(name);
        return match.Success && match.Groups["env"].Value == environment
            && DateTime.TryParseExact(match.Groups["time"].Value, "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? time : null;
    }
}
