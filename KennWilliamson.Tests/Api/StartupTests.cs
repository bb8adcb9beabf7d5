using System.Diagnostics;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")] // 31 bytes: 248 bits
    public async Task ApiRefusesToStartWithASigningKeyShorterThan256Bits(string key)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestPaths.ProjectDll("KennWilliamson.Api"));
        start.Environment["Jwt__SigningKey"] = key;
        start.Environment["ConnectionStrings__kennwilliamson"] = "Host=127.0.0.1;Port=1;Database=none";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The API started with a short signing key.");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Jwt:SigningKey must be at least 256 bits", await output + await error, StringComparison.Ordinal);
    }
}
