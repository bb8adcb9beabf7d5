using System.Net;
using KennWilliamson.Tests.Api;

namespace KennWilliamson.Tests.Security;

public sealed partial class AuthorizationTests
{
    [Fact]
    public async Task SlowQueriesAreForAdminsOnly()
    {
        var admin = await Admins.CreateAsync(fixture);
        var user = await Http.RegisterAsync();

        using var anonymous = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=5");
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var plain = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=5", token: user.Token);
        await plain.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var response = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=100000", token: admin.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.True(rows.Count <= 100);
        Assert.Equal(["query", "calls", "mean_exec_time_ms", "total_exec_time_ms"], rows[0].PropertyNames());
        var means = rows.Select(r => r.GetProperty("mean_exec_time_ms").GetDouble()).ToList();
        Assert.Equal(means.OrderByDescending(m => m), means);
    }

    [Fact]
    public async Task CorsPreflightSucceedsForTheWebClientOriginOnly()
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

    [Fact]
    public async Task ATenMegabyteBodyGets413ProblemDetails()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/login", UriKind.Relative))
        {
            Content = new ByteArrayContent(new byte[10 * 1024 * 1024]) { Headers = { { "Content-Type", "application/json" } } },
        };
        // As a careful client does with a large upload: the server can refuse before the body is sent.
        request.Headers.ExpectContinue = true;
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ApiClient.RandomClientAddress());
        using var response = await Http.SendAsync(request).WaitAsync(ApiClient.Timeout);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>
    /// The public read runs inside routing (ShortCircuit), so CORS comes before routing: the web client's
    /// origin still gets its headers on the read and its preflight, another origin none; a bearer header,
    /// valid or not, changes nothing for an anonymous route.
    /// </summary>
    [Fact]
    public async Task ThePublicReadAnswersTheWebClientOriginWithCorsHeadersAndOthersWithout()
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
