using System.Diagnostics;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// What a backup stopped the hard way (killed, the machine down) leaves behind: its <c>.partial</c> in the
/// backup folder and its gpg home in the temp folder. A backup removes them before it starts: a
/// <c>.partial</c> that no running backup holds (each keeps its own locked until it is renamed) and that is
/// older than a minute (a new one is locked a moment after it is created), and a gpg home whose worker
/// process is gone.
/// </summary>
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

    /// <summary>Whether a file name is a backup's while it is written: the backup's name and <c>.partial</c>.</summary>
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
