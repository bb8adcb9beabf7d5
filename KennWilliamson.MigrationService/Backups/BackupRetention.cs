namespace KennWilliamson.MigrationService.Backups;

/// <summary>Removes this environment's backups older than the retention, never the new one.</summary>
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
