using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Xunit.Abstractions;

namespace KennWilliamson.Tests;

/// <summary>The suite runs on the PostgreSQL it was meant for: .ci/run says which, this checks it.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class PostgresVersionTests(ApiFixture fixture, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_application_runs_on_the_expected_PostgreSQL_major_version()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var versionNumber = await connection.ScalarAsync<string>("SELECT current_setting('server_version_num')");
        var major = int.Parse(versionNumber, System.Globalization.CultureInfo.InvariantCulture) / 10000;
        var version = await connection.ScalarAsync<string>("SELECT version()");

        // In the CI log, so anyone can see which server the suite ran on.
        Console.WriteLine($"PostgreSQL under test: {version}");
        output.WriteLine(version);
        Assert.Equal(TestPostgres.ExpectedMajor ?? major, major);
        Assert.True(major >= 15, version);
    }
}
