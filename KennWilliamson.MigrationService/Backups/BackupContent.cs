namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// A backup file opened for reading, its kind told from its first bytes: encrypted with a passphrase
/// (<see cref="OpenPgpHead"/>: what the backup verb writes) or a plain pg_dump archive (read only with
/// <see cref="PlainDump.Flag"/>). Anything else is refused before any tool reads it, saying what it is. The
/// tools then read this same handle from its start, so a file replaced after the check is not what they get.
/// </summary>
internal sealed class BackupContent : IAsyncDisposable
{
    private BackupContent(FileStream stream, bool plain)
    {
        Stream = stream;
        Plain = plain;
    }

    /// <summary>The file from its first byte.</summary>
    public FileStream Stream { get; }

    /// <summary>A plain pg_dump archive (accepted because of <see cref="PlainDump.Flag"/>), not an encrypted backup.</summary>
    public bool Plain { get; }

    /// <summary>The file opened and checked; refused (an exception saying why) when it is neither kind, or plain without the flag.</summary>
    public static BackupContent Open(string file, bool allowUnencrypted)
    {
        var stream = File.OpenRead(file);
        try
        {
            var (plain, refusal) = Check(file, stream, allowUnencrypted);
            if (refusal is not null)
            {
                throw new InvalidOperationException(refusal);
            }
            stream.Position = 0;
            return new BackupContent(stream, plain);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file is a plain pg_dump archive, and why it is refused (null when it may be read).</summary>
    public static (bool Plain, string? Refusal) Inspect(string file, bool allowUnencrypted)
    {
        using var stream = File.OpenRead(file);
        return Check(file, stream, allowUnencrypted);
    }

    public static string NotEncrypted(string file, string what) =>
        $"{file} is not encrypted with a backup key: {what}. The backup verb writes only files encrypted with the backup key, so this one "
        + $"was made some other way. Refused ({PlainDump.Flag} accepts plain pg_dump archives only; if you know the file's origin, decrypt it with gpg into one first)";

    private static (bool Plain, string? Refusal) Check(string file, Stream stream, bool allowUnencrypted)
    {
        var head = new byte[OpenPgpHead.Length];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (PlainDump.Is(head.AsSpan(0, length)))
        {
            return (true, allowUnencrypted ? null : PlainDump.Refused(file));
        }
        return (false, OpenPgpHead.NotSymmetric(head.AsSpan(0, length)) is { } what ? NotEncrypted(file, what) : null);
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
