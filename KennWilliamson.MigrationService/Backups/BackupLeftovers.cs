using System.Diagnostics;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>Removes what a killed backup left: an unlocked <c>.partial</c> over a minute old, a gpg home whose process is gone.</summary>
internal static class BackupLeftovers
{
    public const string PartialSuffix = ".partial";
    private static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);

    public static async Task RemoveAsync(string directory, Action<string> report)
    {
        foreach (var path in Directory.EnumerateFiles(directory, "*" + PartialSuffix).Order(StringComparer.Ordinal))
        {
            if (IsPartial(Path.GetFileName(path)) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > Settled && TryRemoveUnheld(path))
            {
                report($"  removed {Path.GetFileName(path)}, left by a backup that was stopped");
            }
        }
        foreach (var home in Directory.EnumerateDirectories(Path.GetTempPath(), Gpg.HomePrefix + "*").Order(StringComparer.Ordinal))
        {
            if (Gpg.HomeOwner(Path.GetFileName(home)) is { } pid && !IsRunning(pid) && await Gpg.RemoveHomeAsync(home))
            {
                report($"  removed the gpg home {home}, left by a worker that was stopped");
            }
        }
    }

    public static bool IsPartial(string name) =>
        name.EndsWith(PartialSuffix, StringComparison.Ordinal) && BackupSource.BackupName().IsMatch(name[..^PartialSuffix.Length]);

    /// <summary>Deleted only when an exclusive lock can be taken: a running backup holds a shared one until it renames the file.</summary>
    private static bool TryRemoveUnheld(string path)
    {
        try
        {
            using var held = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
