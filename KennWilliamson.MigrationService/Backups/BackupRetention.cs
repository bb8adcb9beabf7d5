namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// After a backup: removes the backups of the same &lt;env&gt; older than the retention, by modification
/// time. Only files named like this environment's backups are ever removed, and never the one just made.
/// </summary>
internal static class BackupRetention
{
    public static int Apply(string directory, BackupSettings settings, string keep, Action<string> report)
    {
        var limit = TimeSpan.FromDays(settings.RetentionDays());
        var now = DateTime.UtcNow;
        var removed = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var match = BackupSource.BackupName().Match(Path.GetFileName(path));
            if (!match.Success || match.Groups["env"].Value != settings.EnvironmentName || path == keep)
            {
                continue;
            }
            var age = now - File.GetLastWriteTimeUtc(path);
            if (age <= limit)
            {
                continue;
            }
            try
            {
                File.Delete(path);
                removed++;
                report($"  removed {Path.GetFileName(path)} ({(int)age.TotalDays} days old)");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The new backup is made and sound: an old one that cannot go is reported, not a failure.
                report($"  could not remove {Path.GetFileName(path)}: {ex.Message}");
            }
        }
        return removed;
    }
}
