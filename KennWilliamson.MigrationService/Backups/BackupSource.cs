using System.Globalization;
using System.Text.RegularExpressions;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Which backup a rehearsal restores: the file it is given, else the newest backup of this environment
/// (<see cref="BackupSettings.EnvironmentName"/>) in <c>Backups:Directory</c> named as the <c>backup</c> verb
/// names them (<c>kennwilliamson_&lt;env&gt;_YYYYmmdd_HHMMSS.dump[.gpg]</c>), newest by the time in the name.
/// </summary>
internal static partial class BackupSource
{
    /// <summary>A backup's file name: <c>kennwilliamson_&lt;env&gt;_&lt;UTC time&gt;.dump[.gpg]</c> (plain dumps are from before encryption).</summary>
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
            + $"KENNWILLIAMSON_ENV names it{(others.Count > 0 ? $", and the backups there are of {string.Join(", ", others)}" : "")}). "
            + "Make one first (\"Back up now\" or scripts/backup-db.sh).");
    }

    /// <summary>
    /// The newest backup of <paramref name="environment"/> among file names, by the time in the name (the
    /// encrypted one when a plain dump has the same time). Another environment's backup is never taken: a
    /// rehearsal for production must not run on a copy of staging because that one is newer.
    /// </summary>
    public static string? Newest(IEnumerable<string> names, string environment) =>
        names.Select(name => (Name: name, Time: TimeOf(name, environment)))
            .Where(b => b.Time is not null)
            .OrderByDescending(b => b.Time)
            .ThenByDescending(b => b.Name, StringComparer.Ordinal)
            .Select(b => b.Name)
            .FirstOrDefault();

    /// <summary>The UTC time in a backup's name when it is a backup of <paramref name="environment"/>; null otherwise (a time that is no time included).</summary>
    public static DateTime? TimeOf(string name, string environment)
    {
        var match = BackupName().Match(name);
        return match.Success && match.Groups["env"].Value == environment
            && DateTime.TryParseExact(match.Groups["time"].Value, "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? time : null;
    }
}
