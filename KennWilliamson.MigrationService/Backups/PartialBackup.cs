using System.Globalization;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// A backup's <c>.partial</c> under a name no other backup has, 0600, held with a shared lock until renamed, so
/// <see cref="BackupLeftovers"/> tells it from one a stopped backup left.
/// </summary>
internal sealed class PartialBackup : IAsyncDisposable
{
    private readonly FileStream _hold;
    private bool _kept;

    private PartialBackup(string final, FileStream output, FileStream hold)
    {
        Final = final;
        Output = output;
        _hold = hold;
    }

    public string Final { get; }

    public string Partial => Final + BackupLeftovers.PartialSuffix;

    public FileStream Output { get; }

    public static async Task<PartialBackup> ClaimAsync(string directory, string environment, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var now = DateTime.UtcNow;
            var final = Path.Combine(directory, $"kennwilliamson_{environment}_{now.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}.dump.gpg");
            if (!File.Exists(final) && TryCreate(final + BackupLeftovers.PartialSuffix) is { } output)
            {
                // Checked again once the .partial is ours: the backup that had it before may have just renamed it to this name.
                if (!File.Exists(final))
                {
                    // A read-only handle: .NET takes its shared lock (flock) on every file system, a writer's not on NFS or SMB.
                    return new PartialBackup(final, output, new FileStream(final + BackupLeftovers.PartialSuffix, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                }
                await output.DisposeAsync();
                File.Delete(final + BackupLeftovers.PartialSuffix);
            }
            await Task.Delay(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.Ticks % TimeSpan.TicksPerSecond)) + TimeSpan.FromMilliseconds(5), ct);
        }
        throw new InvalidOperationException($"no free backup name in {directory} for a minute: other backups took every second's name; try again");
    }

    private static FileStream? TryCreate(string partial)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            return new FileStream(partial, options);
        }
        catch (IOException) when (File.Exists(partial))
        {
            return null;
        }
    }

    public async Task KeepAsync(CancellationToken ct)
    {
        await Output.FlushAsync(ct);
        File.Move(Partial, Final, overwrite: false);
        _kept = true;
    }

    public async ValueTask DisposeAsync()
    {
        await Output.DisposeAsync();
        await _hold.DisposeAsync();
        if (!_kept)
        {
            File.Delete(Partial); // this run's own: it created the file and held it until now
        }
    }
}
