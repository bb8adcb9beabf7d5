using CsCheck;
using KennWilliamson.MigrationService.Operations;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// --seed runs only where the worker's host environment (DOTNET_ENVIRONMENT, Production when unset) is
/// Development; ASPNETCORE_ENVIRONMENT never makes it so, and when it names another environment it refuses.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SeedEnvironmentTests
{
    /// <summary>Unset, empty, Development in any letter case (or nearly), other names, hostile text.</summary>
    private static readonly Gen<string?> Values = Gen.OneOf(
        Gen.OneOf<string?>(null, ""),
        Gen.OneOf("Development", "development", "DEVELOPMENT", "dEvElOpMeNt").Select(v => (string?)v),
        Gen.OneOf("Production", "Staging", "Development ", " Development", "Developmen", "Development\nProduction", "Test").Select(v => (string?)v),
        Gen.String.Select(v => (string?)v));

    /// <summary>What the host makes of DOTNET_ENVIRONMENT: its value as it is (empty included), Production when unset.</summary>
    private static string Host(string? dotnet) => dotnet ?? "Production";

    private static bool IsDevelopment(string? name) => string.Equals(name, "Development", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Seed_is_allowed_exactly_when_the_host_environment_is_development_and_aspnetcore_does_not_name_another() =>
        Gen.Select(Values, Values).Sample((dotnet, aspNetCore) =>
        {
            var allowed = IsDevelopment(Host(dotnet)) && (string.IsNullOrEmpty(aspNetCore) || IsDevelopment(aspNetCore));

            var refusal = SeedEnvironment.Refusal(Host(dotnet), dotnet, aspNetCore);

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
    public void ASPNETCORE_ENVIRONMENT_alone_never_makes_the_worker_development() =>
        Values.Sample(aspNetCore =>
        {
            var refusal = SeedEnvironment.Refusal(Host(null), null, aspNetCore);

            Assert.NotNull(refusal);
            Assert.Contains("here it is Production (DOTNET_ENVIRONMENT is not set", refusal, StringComparison.Ordinal);
        });

    [Fact]
    public void Unset_means_production_and_says_so()
    {
        Assert.Contains("here it is Production (DOTNET_ENVIRONMENT is not set).", SeedEnvironment.Refusal("Production", null, null), StringComparison.Ordinal);
        Assert.Contains("here it is Production (DOTNET_ENVIRONMENT is not set; ASPNETCORE_ENVIRONMENT=Development does not decide the worker's environment)",
            SeedEnvironment.Refusal("Production", null, "Development"), StringComparison.Ordinal);
        Assert.Contains("here it is an empty name (DOTNET_ENVIRONMENT is empty)", SeedEnvironment.Refusal("", "", null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_development_contradicted_by_ASPNETCORE_ENVIRONMENT_is_refused_and_both_are_named()
    {
        var refusal = SeedEnvironment.Refusal("Development", "Development", "Production");

        Assert.Contains("here it is Development (DOTNET_ENVIRONMENT=Development; ASPNETCORE_ENVIRONMENT=Production names another)", refusal, StringComparison.Ordinal);
        Assert.Contains("(and ASPNETCORE_ENVIRONMENT=Development, or unset it)", refusal, StringComparison.Ordinal);
    }
}
