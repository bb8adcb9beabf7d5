using CsCheck;
using KennWilliamson.MigrationService.Backups;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// What counts as a backup encrypted with a passphrase: the first OpenPGP packets (one or more passphrase
/// packets, then encrypted data) and, after the decryption, gpg's status. A file gpg reads without any key
/// (gpg --store, --armor, signed only, encrypted to a public key) is refused by each.
/// </summary>
[Trait("Category", "Unit")]
public sealed class EncryptedBackupFormatTests
{
    // The first bytes of files gpg 2.2 wrote: --symmetric (AES-256), --store, --store with no compression,
    // --encrypt -r KEY, --sign with no compression, and --armor of any of them.
    private static readonly byte[] Symmetric = Convert.FromHexString("8C0D04090302396A66964DED1600FFD2FF000186D801E73E");
    private static readonly byte[] Stored = Convert.FromHexString("A3010CD6036220060000B0DAB66DDBB66DDB");
    private static readonly byte[] StoredUncompressed = Convert.FromHexString("AE000186AA620464617461");
    private static readonly byte[] PublicKey = Convert.FromHexString("85018C03E3D89DD767BC1EB9010C0094B93DFFA6632CD177");
    private static readonly byte[] SignedUncompressed = Convert.FromHexString("900D03000A01FD24B6D4B596025A01AE000186AA");
    private static readonly byte[] Armored = "-----BEGIN PGP MESSAGE-----\n\njA0ECQMC"u8.ToArray();

    [Fact]
    public void What_gpg_symmetric_writes_passes_and_what_gpg_reads_without_a_key_does_not()
    {
        Assert.Null(OpenPgpHead.NotSymmetric(Symmetric));
        Assert.Contains("gpg --store", OpenPgpHead.NotSymmetric(Stored), StringComparison.Ordinal);
        Assert.Contains("gpg --store", OpenPgpHead.NotSymmetric(StoredUncompressed), StringComparison.Ordinal);
        Assert.Contains("encrypted to a gpg public key", OpenPgpHead.NotSymmetric(PublicKey), StringComparison.Ordinal);
        Assert.Contains("only signed", OpenPgpHead.NotSymmetric(SignedUncompressed), StringComparison.Ordinal);
        Assert.Contains("ASCII-armored", OpenPgpHead.NotSymmetric(Armored), StringComparison.Ordinal);
        Assert.Contains("not an OpenPGP file", OpenPgpHead.NotSymmetric("PGDMP\u0001\u000e"u8), StringComparison.Ordinal);
        Assert.Contains("not an OpenPGP file", OpenPgpHead.NotSymmetric([]), StringComparison.Ordinal);
    }

    /// <summary>A packet header in either format, with every length encoding RFC 4880 allows for a body of that length.</summary>
    private static Gen<byte[]> Header(int tag, int length) =>
        Gen.Int[0, tag < 16 ? 5 : 2].Select(byte[] (form) => form switch
        {
            0 when length < 192 => [(byte)(0xC0 | tag), (byte)length],
            1 when length is >= 192 and < 8384 => [(byte)(0xC0 | tag), (byte)(((length - 192) >> 8) + 192), (byte)((length - 192) & 0xFF)],
            2 => [(byte)(0xC0 | tag), 0xFF, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length],
            3 when length < 256 => [(byte)(0x80 | (tag << 2)), (byte)length],
            4 when length < 65536 => [(byte)(0x81 | (tag << 2)), (byte)(length >> 8), (byte)length],
            _ when tag < 16 => [(byte)(0x82 | (tag << 2)), (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length],
            _ => [(byte)(0xC0 | tag), 0xFF, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length],
        });

    private static readonly Gen<byte[]> PassphrasePacket =
        Gen.Int[4, 300].SelectMany(length => Gen.Select(Header(3, length), Gen.Byte.Array[length], (header, body) => (byte[])[.. header, .. body]));

    /// <summary>The encrypted data's header: partial lengths (what gpg streams) or a fixed length.</summary>
    private static Gen<byte[]> DataHeader(int tag) => Gen.OneOf(
        Gen.Int[224, 254].Select(partial => new[] { (byte)(0xC0 | tag), (byte)partial }),
        Gen.Int[1, 100_000].SelectMany(length => Header(tag, length)));

    [Fact]
    public void Passphrase_packets_then_encrypted_data_pass_in_any_header_format() =>
        Gen.Select(PassphrasePacket.Array[1, 3], Gen.OneOf(18, 20).SelectMany(DataHeader), Gen.Byte.Array[0, 64])
            .Sample((passphrases, data, rest) =>
                Assert.Null(OpenPgpHead.NotSymmetric([.. passphrases.SelectMany(p => p), .. data, .. rest])));

    [Fact]
    public void Anything_else_after_the_passphrase_packets_or_instead_of_them_is_refused() =>
        Gen.Select(PassphrasePacket.Array[0, 3], Gen.Int[0, 63].Where(tag => tag is not (3 or 18 or 20)), Gen.Byte.Array[0, 64], (passphrases, tag, rest) => (passphrases, tag, rest))
            .SelectMany(g => DataHeader(g.tag).Select(header => (byte[])[.. g.passphrases.SelectMany(p => p), .. header, .. g.rest]))
            .Sample(head => Assert.NotNull(OpenPgpHead.NotSymmetric(head)));

    [Fact]
    public void Encrypted_data_with_no_passphrase_packet_before_it_is_refused() =>
        Gen.Select(Gen.OneOf(18, 20).SelectMany(DataHeader), Gen.Byte.Array[0, 64])
            .Sample((header, rest) => Assert.Contains("no passphrase packet", OpenPgpHead.NotSymmetric([.. header, .. rest]), StringComparison.Ordinal));

    [Fact]
    public void A_head_cut_inside_the_passphrase_packets_is_refused() =>
        Gen.Select(PassphrasePacket.Array[1, 3], Gen.Double[0, 1]).Sample((passphrases, cut) =>
        {
            byte[] head = [.. passphrases.SelectMany(p => p)];
            Assert.NotNull(OpenPgpHead.NotSymmetric(head.AsSpan(0, (int)(cut * head.Length))));
        });

    /// <summary>Lengths a hostile file may claim, up to the largest four octets can say: refused, never read past the head.</summary>
    [Fact]
    public void A_passphrase_packet_claiming_any_length_beyond_the_head_is_refused() =>
        Gen.Select(Gen.OneOf(Gen.UInt[OpenPgpHead.Length, uint.MaxValue], Gen.Int[0, 400].Select(k => (uint)(int.MaxValue - k))), Gen.Bool, PassphrasePacket.Array[0, 1], Gen.Byte.Array[0, 64])
            .Sample((length, newFormat, before, rest) =>
            {
                byte[] header = newFormat
                    ? [0xC3, 0xFF, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]
                    : [0x8E, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];
                Assert.NotNull(OpenPgpHead.NotSymmetric([.. before.SelectMany(p => p), .. header, .. rest, 0xD2, 0xE0]));
            });

    // gpg --status-file of: the backup key on gpg --symmetric's file; gpg --store's file; a wrong key; a
    // file encrypted to a public key and the passphrase both; two encrypted messages one after the other.
    private static readonly string[] Decrypted =
    [
        "[GNUPG:] NEED_PASSPHRASE_SYM 9 3 2", "[GNUPG:] BEGIN_DECRYPTION", "[GNUPG:] DECRYPTION_INFO 2 9 0",
        "[GNUPG:] PLAINTEXT 62 1796419097 data", "[GNUPG:] PLAINTEXT_LENGTH 100000", "[GNUPG:] DECRYPTION_OKAY",
        "[GNUPG:] GOODMDC", "[GNUPG:] END_DECRYPTION",
    ];

    private static readonly string[][] NotDecrypted =
    [
        ["[GNUPG:] PLAINTEXT 62 1796419097 data", "[GNUPG:] PLAINTEXT_LENGTH 100000"],
        ["[GNUPG:] NEED_PASSPHRASE_SYM 9 3 2", "[GNUPG:] BEGIN_DECRYPTION", "[GNUPG:] DECRYPTION_INFO 2 9 0",
            "[GNUPG:] ERROR symkey_decrypt.maybe_error 11_BAD_PASSPHRASE", "[GNUPG:] DECRYPTION_FAILED", "[GNUPG:] END_DECRYPTION"],
        ["[GNUPG:] ENC_TO E3D89DD767BC1EB9 1 0", .. Decrypted],
        [.. Decrypted, "[GNUPG:] NEED_PASSPHRASE_SYM 9 3 2", "[GNUPG:] BEGIN_DECRYPTION", "[GNUPG:] PLAINTEXT 62 0 data", "[GNUPG:] DECRYPTION_OKAY", "[GNUPG:] END_DECRYPTION"],
    ];

    [Fact]
    public void Gpgs_status_counts_only_one_passphrase_decryption_with_its_plaintext_inside()
    {
        Assert.Null(GpgStatus.NotSymmetric(Decrypted));
        Assert.All(NotDecrypted, status => Assert.NotNull(GpgStatus.NotSymmetric(status)));
    }

    private static readonly string[] Required = ["NEED_PASSPHRASE_SYM", "BEGIN_DECRYPTION", "PLAINTEXT", "DECRYPTION_OKAY", "END_DECRYPTION"];

    /// <summary>gpg's messages (which may quote file contents) and status lines that say nothing about the decryption, anywhere.</summary>
    private static readonly Gen<string> Noise = Gen.OneOf(
        Gen.OneOf("[GNUPG:] KEY_CONSIDERED 28C1 0", "[GNUPG:] PROGRESS x ? 1 2", "gpg: AES256.CFB encrypted data", "[GNUPG:] GOODMDC"),
        Gen.String[0, 40].Select(text => "gpg: " + text),
        Gen.OneOf(Required).Select(keyword => $"gpg: [GNUPG:] {keyword}"));

    [Fact]
    public void Lines_that_say_nothing_of_the_decryption_change_nothing_and_any_required_line_missing_or_an_alarming_one_added_refuses() =>
        Gen.Select(Noise.Array[0, 6], Gen.Int[0, Decrypted.Length].Array[6], Gen.OneOf(Required), Gen.OneOf("ENC_TO 1 1 0", "DECRYPTION_FAILED", "PLAINTEXT 62 0 x", "BEGIN_DECRYPTION"), Gen.Int[0, Decrypted.Length])
            .Sample((noise, positions, dropped, alarming, at) =>
            {
                var lines = Decrypted.ToList();
                for (var i = 0; i < noise.Length; i++)
                {
                    lines.Insert(Math.Min(positions[i], lines.Count), noise[i]);
                }
                Assert.Null(GpgStatus.NotSymmetric(lines));

                Assert.NotNull(GpgStatus.NotSymmetric(lines.Where(line => line.Split(' ').ElementAtOrDefault(1) != dropped || !line.StartsWith("[GNUPG:]", StringComparison.Ordinal))));
                var added = lines.ToList();
                added.Insert(Math.Min(at, added.Count), "[GNUPG:] " + alarming);
                Assert.NotNull(GpgStatus.NotSymmetric(added));
            });
}
