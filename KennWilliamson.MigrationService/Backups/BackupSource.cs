using System.Globalization;
using System.Text.RegularExpressions;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Which backup a rehearsal restores: the file it is given, else the newest backup in
/// <c>Backups:Directory</c> named as the <c>backup</c> verb names them
/// (<c>kennwilliamson_&lt;env&gt;_YYYYmmdd_HHMMSS.dump[.gpg]</c>), newest by the time in the name.
/// </summary>
internal static partial class BackupSource
{
    /// <summary>A backup's file name: <c>kennwilliamson_&lt;env&gt;_&lt;UTC time&gt;.dump[.gpg]</c> (plain dumps are from before encryption).</summary>
    [GeneratedRegex(@"^kennwilliamson_(?<env>[a-z0-9-]+)_(?<time>\d{8}_\d{6})\.dump(?:\.gpg)?$")]
    public static partial Regex BackupName();

    public static string Resolve(string? file, string? directory)
    {
        if (file is not null)
        {
            return File.Exists(file) ? Path.GetFullPath(file)
                : throw new InvalidOperationException($"No such backup file: {file}.");
        }
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new InvalidOperationException(
                "No backup to rehearse on: pass a backup file (rehearse FILE) or set Backups:Directory (scripts/rehearse-migrations.sh uses backups/).");
        }
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"No backup to rehearse on: {directory} does not exist. Make one first (\"Back up now\" or scripts/backup-db.sh).");
        }
        var newest = Directory.EnumerateFiles(directory)
            .Select(path => (Path: path, Match: BackupName().Match(Path.GetFileName(path))))
            .Where(f => f.Match.Success)
            .OrderByDescending(f => DateTime.ParseExact(f.Match.Groups["time"].Value, "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture))
            .Select(f => f.Path)
            .FirstOrDefault();
        return newest
            ?? throw new InvalidOperationException($"No backup to rehearse on in {directory}. Make one first (\"Back up now\" or scripts/backup-db.sh).");
    }
}
