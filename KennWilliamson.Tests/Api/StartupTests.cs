using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")] // 31 bytes: 248 bits
    public async Task The_api_refuses_to_start_with_a_signing_key_shorter_than_256_bits(string key)
    {
        var result = await RunApiAsync(key);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Jwt:SigningKey must be at least 256 bits", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Each of these made every login (or every timer write) a 500 while the API ran; now the API does not
    /// start, exits 1 and says which setting, without a stack trace.
    /// </summary>
    [Theory]
    [InlineData("--RateLimiting:Auth:PermitLimit=0", "RateLimiting:Auth:PermitLimit must be at least 1 (it is 0).")]
    [InlineData("--RateLimiting:FailedLogins:Window=00:00:00", "RateLimiting:FailedLogins:Window must be from 00:00:01 to 1.00:00:00 (it is 00:00:00).")]
    [InlineData("--RateLimiting:TimerWrites:PermitLimit=-1", "RateLimiting:TimerWrites:PermitLimit must be at least 1 (it is -1).")]
    public async Task A_limit_that_cannot_work_stops_the_api_at_start_with_a_line_naming_the_setting(string setting, string message)
    {
        var result = await RunApiAsync(AppHostFactory.Secret() + AppHostFactory.Secret(), setting);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"KennWilliamson.Api: {message}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>Shared limits (the default) are counted in Redis: with no connection string for it the API says what to give.</summary>
    [Fact]
    public async Task Without_a_redis_connection_string_the_api_stops_at_start_saying_what_to_set()
    {
        var result = await RunApiAsync(AppHostFactory.Secret() + AppHostFactory.Secret(), "--ConnectionStrings:limits=");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("KennWilliamson.Api: ConnectionStrings:limits is not set: the limits every replica shares are kept in Redis. " +
            "Run the API from the AppHost, give it a Redis connection string, or set RateLimiting:Shared=false for a single process.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>The API's own build, run directly, with a database and a Redis nobody listens on: the checks come before they are needed.</summary>
    private static Task<ProcessResult> RunApiAsync(string signingKey, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.Api"), .. args], TimeSpan.FromMinutes(1),
            new Dictionary<string, string>
            {
                ["Jwt__SigningKey"] = signingKey,
                ["ConnectionStrings__kennwilliamson"] = "Host=127.0.0.1;Port=1;Database=none",
                ["ConnectionStrings__limits"] = "127.0.0.1:1,password=none",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            });
}
