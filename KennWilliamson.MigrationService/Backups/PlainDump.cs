namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// A plain pg_dump archive (it starts with <c>PGDMP</c>) where a backup is expected. The backup verb only
/// writes gpg-encrypted files, so a plain one was made some other way: every verb that reads a backup
/// refuses it unless the operator says <c>--allow-unencrypted</c>, and then reports it as UNENCRYPTED.
/// </summary>
internal static class PlainDump
{
    public const string Flag = "--allow-unencrypted";

    public static bool Is(string file)
    {
        Span<byte> magic = stackalloc byte[5];
        using var stream = File.OpenRead(file);
        return stream.ReadAtLeast(magic, 5, throwOnEndOfStream: false) == 5 && magic.SequenceEqual("PGDMP"u8);
    }

    /// <summary>Whether <paramref name="file"/> is plain; refused (an exception saying why) when it is and that is not allowed.</summary>
    public static bool Check(string file, bool allowUnencrypted) =>
        Is(file) && (allowUnencrypted ? true : throw new InvalidOperationException(Refused(file)));

    public static string Refused(string file) =>
        $"{file} is not encrypted: it is a plain pg_dump archive, and the backup verb writes only encrypted ones, so this file was made "
        + $"some other way and nothing vouches for where it came from. Refused; if you know its origin (e.g. a backup from before encryption), pass {Flag}";

    /// <summary>How a report names an accepted plain dump.</summary>
    public static string Accepted(string file) => $"{file} is UNENCRYPTED: a plain pg_dump archive, read because of {Flag}";
}
