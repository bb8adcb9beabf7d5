namespace KennWilliamson.MigrationService.Backups;

/// <summary>A backup opened once and told by its first bytes; the tools read this same handle.</summary>
internal sealed class BackupContent : IAsyncDisposable
{
    private BackupContent(FileStream stream, bool plain)
    {
        Stream = stream;
        Plain = plain;
    }

    public FileStream Stream { get; }

    public bool Plain { get; }

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
