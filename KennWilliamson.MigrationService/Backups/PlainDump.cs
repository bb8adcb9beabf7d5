namespace KennWilliamson.MigrationService.Backups;

/// <summary>A plain pg_dump archive: refused by every verb that reads a backup unless <c>--allow-unencrypted</c>.</summary>
internal static class PlainDump
{
    public const string Flag = "--allow-unencrypted";

    public static bool Is(ReadOnlySpan<byte> head) => head.StartsWith("PGDMP"u8);

    public static bool Check(string file, bool allowUnencrypted) =>
        BackupContent.Inspect(file, allowUnencrypted) is var (plain, refusal) && refusal is null ? plain : throw new InvalidOperationException(refusal);

    public static string Refused(string file) =>
        $"{file} is not encrypted: it is a plain pg_dump archive, and the backup verb writes only encrypted ones, so this file was made "
        + $"some other way and nothing vouches for where it came from. Refused; if you know its origin (e.g. a backup from before encryption), pass {Flag}";

    /// <summary>How a report names an accepted plain dump.</summary>
    public static string Accepted(string file) => $"{file} is UNENCRYPTED: a plain pg_dump archive, read because of {Flag}";
}
