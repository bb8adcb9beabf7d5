using CsCheck;
using KennWilliamson.MigrationService.Operations;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>--seed runs only where every environment variable that is set says Development.</summary>
[Trait("Category", "Unit")]
public sealed class SeedEnvironmentTests
{
    /// <summary>Unset, empty, Development in any letter case (or nearly), other names, hostile text.</summary>
    private static readonly Gen<string?> Values = Gen.OneOf(
        Gen.OneOf<string?>(null, ""),
        Gen.OneOf("Development", "development", "DEVELOPMENT", "dEvElOpMeNt").Select(v => (string?)v),
        Gen.OneOf("Production", "Staging", "Development ", " Development", "Developmen", "Development\nProduction", "Test").Select(v => (string?)v),
        Gen.String.Select(v => (string?)v));

    [Fact]
    public void Seed_is_allowed_exactly_when_a_variable_is_set_and_every_one_set_says_development() =>
        Gen.Select(Values, Values).Sample((dotnet, aspNetCore) =>
        {
            string?[] set = [.. new[] { dotnet, aspNetCore }.Where(v => !string.IsNullOrEmpty(v))];
            var allowed = set.Length > 0 && set.All(v => string.Equals(v, "Development", StringComparison.OrdinalIgnoreCase));

            var refusal = SeedEnvironment.Refusal(dotnet, aspNetCore);

            Assert.Equal(allowed, refusal is null);
            if (refusal is not null)
            {
                // One line that says how to override it.
                Assert.DoesNotContain('\n', refusal);
                Assert.DoesNotContain('\r', refusal);
                Assert.Contains("For a development database set DOTNET_ENVIRONMENT=Development", refusal, StringComparison.Ordinal);
            }
        }, iter: 5_000);

    [Fact]
    public void Unset_means_production()
    {
        Assert.Contains("here it is Production (DOTNET_ENVIRONMENT and ASPNETCORE_ENVIRONMENT are not set)", SeedEnvironment.Refusal(null, null), StringComparison.Ordinal);
        Assert.Contains("here it is Production", SeedEnvironment.Refusal("", ""), StringComparison.Ordinal);
    }

    [Fact]
    public void A_development_contradicted_by_the_other_variable_is_refused_and_both_are_named()
    {
        var refusal = SeedEnvironment.Refusal("Development", "Production");

        Assert.Contains("DOTNET_ENVIRONMENT=Development, ASPNETCORE_ENVIRONMENT=Production", refusal, StringComparison.Ordinal);
        Assert.Contains("(and ASPNETCORE_ENVIRONMENT=Development, or unset it)", refusal, StringComparison.Ordinal);
    }
}
