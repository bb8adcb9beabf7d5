using CsCheck;
using KennWilliamson.Api.Accounts;

namespace KennWilliamson.UnitTests.Api;

/// <summary>Slugs from display names, as the original backend makes them.</summary>
[Trait("Category", "Unit")]
public sealed class SlugsTests
{
    private static readonly Gen<string> DisplayName = Gen.OneOf(
            Gen.Char['a', 'z'], Gen.Char['A', 'Z'], Gen.Char['0', '9'], Gen.Const(' '), Gen.Const('-'), Gen.Const('_'),
            Gen.Const('É'), Gen.Const('ß'), Gen.Const('İ'), Gen.Const('!'), Gen.Const('\t'), Gen.Char['\u0400', '\u04FF'], Gen.Char)
        .Array[0, 260].Select(chars => new string(chars));

    [Theory]
    [InlineData("Test User", "test-user")]
    [InlineData("  John   Doe  ", "john---doe")]
    [InlineData("Kenn", "kenn")]
    [InlineData("O'Brien & Sons!", "obrien--sons")]
    [InlineData("--dash--", "dash")]
    [InlineData("Ünïcödé Ñame", "ünïcödé-ñame")]
    [InlineData("!!!", Slugs.Fallback)]
    [InlineData("", Slugs.Fallback)]
    [InlineData("   ", Slugs.Fallback)]
    [InlineData("user_name 2", "username-2")]
    public void Known_display_names(string displayName, string slug) => Assert.Equal(slug, Slugs.FromDisplayName(displayName));

    [Fact]
    public void A_slug_is_non_empty_lower_case_letters_digits_and_inner_hyphens_of_at_most_200_characters() =>
        DisplayName.Sample(name =>
        {
            var slug = Slugs.FromDisplayName(name);
            Assert.InRange(slug.Length, 1, 200);
            Assert.All(slug, c => Assert.True(c == '-' || (char.IsLetterOrDigit(c) && char.ToLowerInvariant(c) == c), $"'{c}' in '{slug}'"));
            Assert.False(slug.StartsWith('-') || slug.EndsWith('-'), $"'{slug}' from '{name}'");
        }, iter: 5_000);

    [Fact]
    public void A_slug_is_its_own_slug() =>
        DisplayName.Sample(name =>
        {
            var slug = Slugs.FromDisplayName(name);
            Assert.Equal(slug, Slugs.FromDisplayName(slug));
        }, iter: 5_000);

    [Fact]
    public void A_long_name_cut_at_200_characters_does_not_end_in_a_hyphen() =>
        Assert.Equal(new string('a', 199), Slugs.FromDisplayName(new string('a', 199) + " " + new string('b', 50)));

    [Fact]
    public void Leading_hyphens_do_not_count_against_the_length() =>
        Assert.Equal("name", Slugs.FromDisplayName(new string('-', 300) + "Name"));

    [Theory]
    [InlineData("kenn", new string[0], "kenn")]
    [InlineData("kenn", new[] { "kenn-2" }, "kenn")]
    [InlineData("kenn", new[] { "kenn" }, "kenn-2")]
    [InlineData("kenn", new[] { "kenn", "kenn-2", "kenn-4" }, "kenn-3")]
    [InlineData("kenn", new[] { "kenn", "kenn-x", "kenn-2-3" }, "kenn-2")]
    [InlineData("kenn", new[] { "kenn", "kenn-02" }, "kenn-3")]
    [InlineData("kenn", new[] { "kenn", "kenn-2", "kenny-3", "kenn-3" }, "kenn-4")]
    public void The_first_free_of_slug_slug_2_slug_3(string slug, string[] taken, string expected) =>
        Assert.Equal(expected, Slugs.FirstAvailable(slug, taken));

    [Fact]
    public void The_slug_chosen_is_free_and_no_smaller_suffix_was() =>
        Gen.Int[2, 12].HashSet[0, 10].Select(Gen.Bool).Sample((suffixes, baseTaken) =>
        {
            var taken = suffixes.Select(n => $"kenn-{n}").Concat(baseTaken ? ["kenn"] : Array.Empty<string>()).ToList();
            var chosen = Slugs.FirstAvailable("kenn", taken);
            Assert.DoesNotContain(chosen, taken);
            var expected = !baseTaken ? 1 : Enumerable.Range(2, 20).First(n => !suffixes.Contains(n));
            Assert.Equal(expected == 1 ? "kenn" : $"kenn-{expected}", chosen);
        });
}
