using System.Globalization;
using System.Text;
using CsCheck;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>CsCheck generators of the text and numbers the fuzz suite sends, valid and hostile.</summary>
public static class FuzzValues
{
    public static readonly string[] Injections =
    [
        "' OR '1'='1", "Robert'); DROP TABLE users;--", "1; SELECT pg_sleep(10)--", "\\x00", "E'\\\\000'", "$$; COPY users TO '/tmp/x'; $$",
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>", "javascript:alert(1)",
        "{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "${jndi:ldap://127.0.0.1/x}", "__proto__", "constructor", "%s%s%s%n", "../../etc/passwd",
    ];

    private static readonly string[] Unusual =
    [
        "", " ", "\t", "0", "-1", "null", "true", "[]", "{}", "NaN", "Infinity", "1e308", "-0",
        "a\0b", "\0", "\u0001\u0002\u001f\u007f", "\r\n", "\u0085\u2028\u2029", // NUL and other control characters
        "\ud800", "\udfff", "a\ud83db", "\ude00\ud83d", "x\udbff", // unpaired surrogates
        "\u202eevil\u202c", "\u2066abc\u2069", "\u200f\u200e", "\u061c", // bidi controls
        "😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "é", "e\u0301", "\ufeff", "\uffff", "\ufffd", "Ω≈ç√",
        "admin", "user", "ADMIN", "Admin ", "kenn", "%00", "%2e%2e", "a/b", "a%2Fb", "?x=1", "#frag",
    ];

    /// <summary>Any text: short valid words, edge cases, hostile payloads, mixtures, and 100,000 characters.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_. @"], 1, 24]),
        (3, Gen.OneOf(Unusual)),
        (2, Gen.OneOf(Injections)),
        (2, Gen.String[Gen.Char, 0, 40]), // arbitrary UTF-16, lone surrogates included
        (1, Gen.OneOf(Unusual).Array[2, 4].Select(parts => string.Concat(parts))),
        (1, Gen.Int[1, 100_000].Select(n => new string('x', n))),
        (1, Gen.Const(new string('z', 100_000))));

    /// <summary>Integers as text: the limits of int and long, around zero, beyond long, and not integers at all.</summary>
    public static readonly Gen<string> IntegerText = Gen.Frequency(
        (3, Gen.Int[-5, 200].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.OneOf("0", "-1", "1", "2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
            "99999999999999999999", "1000000", "1000001", "21474837", "1e308", "-1e308", "1.5", "0x10", "+1", " 1", "1 ", "")),
        (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, Text));

    /// <summary>Timestamps as text: valid ones, the edges of what .NET and PostgreSQL hold, and nonsense.</summary>
    public static readonly Gen<string> DateTime = Gen.Frequency(
        (3, Gen.DateTimeOffset.Select(d => d.ToString("O", CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59-14:00",
            "1970-01-01T00:00:00Z", "2024-02-29T12:00:00+05:45", "2023-02-29T00:00:00Z", "-infinity", "infinity", "epoch", "now",
            "2024-01-01", "2024-01-01T25:00:00Z", "31/12/2024", "")),
        (1, Text));

    /// <summary>A JSON string literal. Lone surrogates are written as \u escapes (they have no UTF-8 form), other text raw.</summary>
    public static string Quote(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (paired)
            {
                json.Append(c).Append(value[++i]);
            }
            else if (c is '"' or '\\' or < ' ' || char.IsSurrogate(c))
            {
                json.Append(c switch { '"' => "\\\"", '\\' => "\\\\", _ => $"\\u{(int)c:x4}" });
            }
            else
            {
                json.Append(c);
            }
        }
        return json.Append('"').ToString();
    }

    /// <summary>Percent-encodes a path or query value; a lone surrogate goes as its (invalid) three UTF-8-style bytes.</summary>
    public static string Escape(string value)
    {
        var encoded = new StringBuilder(value.Length * 3);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pairLength = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            if (pairLength == 1 && char.IsSurrogate(c))
            {
                encoded.Append(CultureInfo.InvariantCulture, $"%{0xE0 | (c >> 12):X2}%{0x80 | ((c >> 6) & 0x3F):X2}%{0x80 | (c & 0x3F):X2}");
                continue;
            }
            encoded.Append(Uri.EscapeDataString(value.AsSpan(i, pairLength)));
            i += pairLength - 1;
        }
        return encoded.ToString();
    }
}
