namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// A plain pg_dump archive (it starts with <c>PGDMP</c>) where a backup is expected. The backup verb only
/// writes gpg-encrypted files, so a plain one was made some other way: every verb that reads a backup
/// refuses it unless the operator says <c>--allow-unencrypted</c>, and then reports it as UNENCRYPTED.
/// </summary>
internal static class PlainDump
{
    public const string Flag = "--allow-unencrypted";

    public static bool Is(ReadOnlySpan<byte> head) => head.StartsWith("PGDMP"u8);

    /// <summary>
    /// Whether <paramref name="file"/> is plain; refused (an exception saying why) when it is and that is not
    /// allowed, and when it is not encrypted with a passphrase either (<see cref="BackupContent"/>).
    /// </summary>
    public static bool Check(string file, bool allowUnencrypted) =>
        BackupContent.Inspect(file, allowUnencrypted) is var (plain, refusal) && refusal is null ? plain : throw new InvalidOperationException(refusal);

    public static string Refused(string file) =>
        $"{file} is not encrypted: it is a plain pg_dump archive, and the backup verb writes only encrypted ones, so this file was made "
        + $"some other way and nothing vouches for where it came from. Refused; if you know its origin (e.g. a backup from before encryption), pass {Flag}";

    /// <summary>How a report names an accepted plain dump.</summary>
    public static string Accepted(string file) => $"{file} is UNENCRYPTED: a plain pg_dump archive, read because of {Flag}";
}
