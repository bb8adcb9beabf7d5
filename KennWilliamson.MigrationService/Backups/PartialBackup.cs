using System.Globalization;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// The file a backup is written to: <c>&lt;name&gt;.partial</c> under a name no other backup has (this
/// second's, else the next free second's, so two backups started together both succeed), created 0600 and
/// held with a shared lock until it is renamed to the name when sound or deleted when not. The lock tells a
/// running backup's <c>.partial</c> from one a stopped backup left (<see cref="BackupLeftovers"/> asks for an
/// exclusive one); being shared, it lets the verification read the file.
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

    /// <summary>The backup's name once it is sound: <c>kennwilliamson_&lt;env&gt;_&lt;UTC time&gt;.dump.gpg</c>.</summary>
    public string Final { get; }

    public string Partial => Final + BackupLeftovers.PartialSuffix;

    /// <summary>Where the encrypted dump goes; open until this is disposed.</summary>
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

    /// <summary>The new .partial, or null when another backup has that name this second. Never opens an existing file.</summary>
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

    /// <summary>The sound backup under its name (never over another file), still held until disposed.</summary>
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
