namespace KennWilliamson.MigrationService.Backups;

/// <summary>What gpg's status must show before its output counts: gpg exits 0 on files never encrypted.</summary>
internal static class GpgStatus
{
    private const string Prefix = "[GNUPG:] ";

    /// <summary>Null when the status shows a passphrase decryption and nothing else; else what is missing or extra.</summary>
    public static string? NotSymmetric(IEnumerable<string> lines)
    {
        var keywords = lines.Where(line => line.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(line => line[Prefix.Length..].Split(' ', 2)[0])
            .ToList();
        int Count(string keyword) => keywords.Count(k => k == keyword);
        if (Count("ENC_TO") > 0)
        {
            return "gpg found it encrypted to a public key";
        }
        if (Count("NEED_PASSPHRASE_SYM") == 0)
        {
            return "gpg never asked for the passphrase";
        }
        if (Count("DECRYPTION_FAILED") > 0 || Count("BEGIN_DECRYPTION") != 1 || Count("DECRYPTION_OKAY") != 1 || Count("END_DECRYPTION") != 1)
        {
            return "gpg did not report exactly one successful decryption";
        }
        var begin = keywords.IndexOf("BEGIN_DECRYPTION");
        var end = keywords.IndexOf("END_DECRYPTION");
        var plaintext = keywords.IndexOf("PLAINTEXT");
        return Count("PLAINTEXT") == 1 && begin < plaintext && plaintext < end
            ? null
            : "gpg did not report exactly one plaintext, inside the encrypted data";
    }
}
