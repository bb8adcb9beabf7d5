using System.Text;
using CsCheck;
using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The edge check's scan: the first NUL or unpaired surrogate, whatever else the text holds.</summary>
[Trait("Category", "Unit")]
public sealed class StorableTextTests
{
    /// <summary>Characters that matter to the scan, and some that don't, in any mix.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
            Gen.Char['a', 'z'], Gen.Const('\0'), Gen.Char['\uD800', '\uDBFF'], Gen.Char['\uDC00', '\uDFFF'], Gen.Char['\uE000', '\uFFFF'], Gen.Const('é'))
        .Array[0, 80].Select(chars => new string(chars));

    /// <summary>What the vectorized scan must agree with: one character at a time.</summary>
    private static int Reference(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\0' || char.IsLowSurrogate(text[i]))
            {
                return i;
            }
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    [Fact]
    public void The_scan_finds_the_same_first_unstorable_character_as_a_character_by_character_check() =>
        Text.Sample(text => Assert.Equal(Reference(text), StorableText.FirstUnstorable(text)), iter: 20_000);

    [Fact]
    public void Text_is_storable_exactly_when_it_has_a_utf8_form_without_nul() =>
        Text.Sample(text =>
        {
            var roundTrips = new UTF8Encoding(false, throwOnInvalidBytes: true) is var utf8 && TryEncode(utf8, text);
            Assert.Equal(roundTrips && !text.Contains('\0', StringComparison.Ordinal), StorableText.IsStorable(text));
        }, iter: 5_000);

    /// <summary>Built in code: xUnit's theory data would turn a lone surrogate into U+FFFD on its way to the test.</summary>
    [Fact]
    public void Known_cases()
    {
        (string Text, int Expected)[] cases =
        [
            ("", -1), ("plain text", -1), ("a\0b", 1), ("\0", 0), ("emoji \uD83D\uDE00 ok", -1),
            ("lone high \uD83D end", 10), ("lone low \uDE00", 9), ("reversed \uDE00\uD83D", 9),
            ("high at the end \uD83D", 16), ("pair then nul \uD83D\uDE00\0", 16), ("nul before lone \0 \uD83D", 16),
        ];
        Assert.All(cases, c => Assert.Equal(c.Expected, StorableText.FirstUnstorable(c.Text)));
    }

    [Fact]
    public void Null_is_storable_and_the_message_names_the_field()
    {
        Assert.True(StorableText.IsStorable(null));
        Assert.StartsWith("notes contains a character", StorableText.Message("notes"), StringComparison.Ordinal);
    }

    private static bool TryEncode(Encoding utf8, string text)
    {
        try
        {
            utf8.GetBytes(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
