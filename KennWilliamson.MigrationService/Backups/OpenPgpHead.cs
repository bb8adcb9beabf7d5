namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// The first OpenPGP packets, checked before gpg reads the file: only passphrase packets then encrypted data
/// pass, since gpg also decrypts, exit 0, files that need no passphrase (stored, signed, public-key, armored).
/// </summary>
internal static class OpenPgpHead
{
    public const int Length = 4096;

    private const int PassphrasePacket = 3;
    private const int EncryptedData = 18;
    private const int AeadEncryptedData = 20;

    /// <summary>Null when <paramref name="head"/> starts as gpg --symmetric's output; else what the file is instead, for the refusal.</summary>
    public static string? NotSymmetric(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("-----BEGIN PGP"u8))
        {
            return "it is ASCII-armored OpenPGP text (gpg --armor), and the backup verb writes binary files only";
        }
        var at = 0;
        var passphrases = 0;
        while (Packet(head[at..]) is { } packet)
        {
            if (packet.Tag != PassphrasePacket)
            {
                return packet.Tag is EncryptedData or AeadEncryptedData && passphrases > 0 ? null : Describe(packet.Tag, passphrases);
            }
            if (packet.Length is not { } length || (long)at + packet.HeaderLength + length > head.Length)
            {
                return "its passphrase packet is malformed";
            }
            passphrases++;
            at += packet.HeaderLength + length;
        }
        return at == 0 ? "it is not an OpenPGP file" : "it ends, or stops being OpenPGP, after its passphrase packets";
    }

    private static string Describe(int tag, int passphrases) => tag switch
    {
        1 => "it is encrypted to a gpg public key, not with the backup key",
        2 or 4 => "it is only signed, not encrypted: gpg reads it without any key",
        8 => "it holds OpenPGP compressed data, not encrypted data (as gpg --store and gpg --sign write), which gpg reads without any key",
        11 => "it holds OpenPGP literal data, not encrypted data (as gpg --store writes), which gpg reads without any key",
        9 => "it is encrypted without integrity protection, which the backup verb never writes",
        EncryptedData or AeadEncryptedData => "its encrypted data has no passphrase packet before it: it is not encrypted with a passphrase",
        _ when passphrases > 0 => $"an unexpected OpenPGP packet (tag {tag}) follows its passphrase packet",
        _ => $"it starts with an OpenPGP packet of tag {tag}, not a passphrase packet",
    };

    private static (int Tag, int HeaderLength, int? Length)? Packet(ReadOnlySpan<byte> at)
    {
        if (at.Length < 2 || (at[0] & 0x80) == 0)
        {
            return null;
        }
        if ((at[0] & 0x40) != 0)
        {
            // New format (RFC 4880 4.2.2): one, two or five length octets, or a partial length.
            var tag = at[0] & 0x3F;
            int first = at[1];
            if (first < 192)
            {
                return (tag, 2, first);
            }
            if (first < 224)
            {
                return at.Length >= 3 ? (tag, 3, ((first - 192) << 8) + at[2] + 192) : null;
            }
            if (first < 255)
            {
                return (tag, 2, null);
            }
            return at.Length >= 6 ? (tag, 6, BigEndian(at[2..6])) : null;
        }
        // Old format (RFC 4880 4.2.1): the tag in bits 5-2, the length's size in bits 1-0.
        var oldTag = (at[0] >> 2) & 0x0F;
        return (at[0] & 0x03) switch
        {
            0 => (oldTag, 2, at[1]),
            1 => at.Length >= 3 ? (oldTag, 3, (at[1] << 8) | at[2]) : null,
            2 => at.Length >= 5 ? (oldTag, 5, BigEndian(at[1..5])) : null,
            _ => (oldTag, 1, null),
        };
    }

    private static int? BigEndian(ReadOnlySpan<byte> four)
    {
        var value = ((uint)four[0] << 24) | ((uint)four[1] << 16) | ((uint)four[2] << 8) | four[3];
        return value <= int.MaxValue ? (int)value : null;
    }
}
