using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// The limits' and the refresh purge's settings are checked before the API starts, and every bad value is
/// named as configuration spells it (the API prints these lines and exits 1: Program.cs).
/// </summary>
[Trait("Category", "Unit")]
public sealed class SettingsValidationTests
{
    private static IReadOnlyList<string> ProblemsWith(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddAuthRateLimits();
        services.AddFailedLoginLimits();
        services.AddTimerWriteLimits();
        services.AddRefreshTokenPurge();
        using var provider = services.BuildServiceProvider();
        return ValidatedSettings.Problems(provider);
    }

    [Fact]
    public void The_defaults_pass() => Assert.Empty(ProblemsWith([]));

    [Fact]
    public void A_limit_check_says_what_is_wrong_with_the_value_it_got() =>
        Assert.Equal(
            ["S:PermitLimit must be at least 1 (it is 0).", "S:Window must be from 00:00:01 to 1.00:00:00 (it is 00:00:00.5000000)."],
            LimitSettings.Check("S", 0, TimeSpan.FromMilliseconds(500)).Select(r => r.ErrorMessage));

    [Theory]
    [InlineData("RateLimiting:Auth:PermitLimit", "0")]
    [InlineData("RateLimiting:Auth:PermitLimit", "-3")]
    [InlineData("RateLimiting:Auth:Window", "00:00:00")]
    [InlineData("RateLimiting:Auth:Window", "-00:01:00")]
    [InlineData("RateLimiting:Auth:Window", "00:00:00.5")]
    [InlineData("RateLimiting:Auth:Window", "2.00:00:00")]
    [InlineData("RateLimiting:FailedLogins:PermitLimit", "0")]
    [InlineData("RateLimiting:FailedLogins:Window", "00:00:00")]
    [InlineData("RateLimiting:FailedLogins:Window", "10675199.02:48:05")]
    [InlineData("RateLimiting:FailedLogins:MaxTrackedEmails", "0")]
    [InlineData("RateLimiting:FailedLogins:MaxTrackedEmails", "-1")]
    [InlineData("RateLimiting:TimerWrites:PermitLimit", "0")]
    [InlineData("RateLimiting:TimerWrites:Window", "-00:00:01")]
    [InlineData("RefreshTokens:PurgeAfter", "-1.00:00:00")]
    [InlineData("RefreshTokens:PurgeAfter", "4000.00:00:00")]
    [InlineData("RefreshTokens:PurgeInterval", "00:00:00")]
    [InlineData("RefreshTokens:PurgeInterval", "60.00:00:00")]
    public void A_bad_value_is_named_by_its_setting(string key, string value)
    {
        var problem = Assert.Single(ProblemsWith(new() { [key] = value }));
        Assert.StartsWith($"{key} must be", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_value_is_named_at_once()
    {
        Dictionary<string, string?> bad = new()
        {
            ["RateLimiting:Auth:PermitLimit"] = "0",
            ["RateLimiting:Auth:Window"] = "00:00:00",
            ["RateLimiting:FailedLogins:PermitLimit"] = "0",
            ["RateLimiting:FailedLogins:Window"] = "-00:15:00",
            ["RateLimiting:FailedLogins:MaxTrackedEmails"] = "0",
            ["RateLimiting:TimerWrites:PermitLimit"] = "-1",
            ["RateLimiting:TimerWrites:Window"] = "00:00:00",
            ["RefreshTokens:PurgeAfter"] = "-30.00:00:00",
            ["RefreshTokens:PurgeInterval"] = "00:00:01",
        };

        var problems = ProblemsWith(bad);

        Assert.Equal(bad.Count, problems.Count);
        Assert.All(bad.Keys, key => Assert.Contains(problems, p => p.StartsWith($"{key} must be", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_value_that_is_no_number_is_named_too()
    {
        var problem = Assert.Single(ProblemsWith(new() { ["RateLimiting:Auth:PermitLimit"] = "ten" }));
        Assert.Contains("'RateLimiting:Auth:PermitLimit'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bounds_themselves_pass() => Assert.Empty(ProblemsWith(new()
    {
        ["RateLimiting:Auth:PermitLimit"] = "1",
        ["RateLimiting:Auth:Window"] = LimitSettings.MinWindow.ToString("c"),
        ["RateLimiting:FailedLogins:Window"] = LimitSettings.MaxWindow.ToString("c"),
        ["RateLimiting:FailedLogins:MaxTrackedEmails"] = "1",
        ["RefreshTokens:PurgeAfter"] = "00:00:00",
        ["RefreshTokens:PurgeInterval"] = RefreshTokenPurgeOptions.MinInterval.ToString("c"),
    }));
}
