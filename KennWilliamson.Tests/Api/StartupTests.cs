using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")] // 31 bytes: 248 bits
    public async Task ApiRefusesToStartWithASigningKeyShorterThan256Bits(string key)
    {
        var result = await ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.Api")], TimeSpan.FromMinutes(1),
            new Dictionary<string, string>
            {
                ["Jwt__SigningKey"] = key,
                ["ConnectionStrings__kennwilliamson"] = "Host=127.0.0.1;Port=1;Database=none",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Jwt:SigningKey must be at least 256 bits", result.Output + result.Error, StringComparison.Ordinal);
    }
}
