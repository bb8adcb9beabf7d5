using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using System.Net;

namespace KennWilliamson.Tests.Security;

/// <summary>CORS for the web client's origin only, on every route, the public read and its preflight included.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class CorsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Cors_preflight_succeeds_for_the_web_client_origin_only()
    {
        foreach (var (origin, allowed) in new[] { ("http://localhost:3000", true), ("https://evil.example", false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/auth/login", UriKind.Relative));
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
            using var response = await Http.SendAsync(request).WaitAsync(ApiClient.Timeout);

            if (allowed)
            {
                Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
                Assert.Equal(origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
                Assert.Contains("POST", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
            }
            else
            {
                Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
                Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"));
            }
        }
    }

    /// <summary>
    /// The public read runs inside routing (ShortCircuit), so CORS comes before routing: the web client's
    /// origin still gets its headers on the read and its preflight, another origin none; a bearer header,
    /// valid or not, changes nothing for an anonymous route.
    /// </summary>
    [Fact]
    public async Task The_public_read_answers_the_web_client_origin_with_cors_headers_and_others_without()
    {
        var owner = await Http.RegisterAsync();
        using (var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "cors" }, token: owner.Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var path = new Uri($"/api/{owner.Slug}/incident-timer", UriKind.Relative);
        foreach (var (origin, allowed) in new[] { ("http://localhost:3000", true), ("https://evil.example", false) })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Options })
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Add("Origin", origin);
                request.Headers.Add("Authorization", "Bearer not-a-token");
                if (method == HttpMethod.Options)
                {
                    request.Headers.Add("Access-Control-Request-Method", "GET");
                }
                using var response = await Http.SendAsync(request).WaitAsync(ApiClient.Timeout);

                Assert.True(response.IsSuccessStatusCode, $"{method} from {origin}: {(int)response.StatusCode}");
                Assert.Equal(allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
                if (allowed)
                {
                    Assert.Equal(origin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
                }
                if (method == HttpMethod.Get)
                {
                    Assert.Equal("cors", (await response.JsonAsync()).GetProperty("notes").GetString());
                }
            }
        }
    }
}
