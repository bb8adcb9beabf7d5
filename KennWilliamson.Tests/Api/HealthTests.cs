using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

/// <summary>The API's own health answer and Aspire's probes.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class HealthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Service_health_and_aspire_probes_answer()
    {
        var health = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/api/health", UriKind.Relative)).WaitAsync(Timeout);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("kennwilliamson-api", health.GetProperty("service").GetString());

        foreach (var probe in new[] { "/health", "/alive" })
        {
            using var response = await fixture.Api.GetAsync(new Uri(probe, UriKind.Relative)).WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
