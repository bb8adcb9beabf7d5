using System.Globalization;
using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

/// <summary>Timer create, update and delete share one per-account budget (RateLimiting:TimerWrites).</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class TimerWriteLimitTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Writes_beyond_the_accounts_limit_get_429_with_retry_after_and_other_accounts_are_unaffected()
    {
        var busy = await fixture.Api.RegisterAsync();
        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "first" }, busy.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetString();

        // The rest of the budget on cheap writes (deleting timers that do not exist), eight at a time,
        // each from another address: the limit follows the account, not the address.
        var spent = 1;
        while (spent < ApiFixture.TimerWritesPerMinute)
        {
            var batch = Math.Min(8, ApiFixture.TimerWritesPerMinute - spent);
            var responses = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ =>
                fixture.Api.SendAsync(HttpMethod.Delete, $"/api/incident-timers/{Guid.NewGuid()}", token: busy.Token)));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
            foreach (var r in responses)
            {
                r.Dispose();
            }
            spent += batch;
        }

        foreach (var (method, path) in new[] { (HttpMethod.Post, "/api/incident-timers"), (HttpMethod.Put, $"/api/incident-timers/{id}"), (HttpMethod.Delete, $"/api/incident-timers/{id}") })
        {
            using var refused = await fixture.Api.SendAsync(method, path, method == HttpMethod.Delete ? null : new { notes = "one too many" }, busy.Token);
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 60);
        }

        // Reads are not limited, and another account has its own budget.
        using var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/incident-timers", token: busy.Token);
        Assert.Equal("first", Assert.Single((await list.JsonAsync()).EnumerateArray()).GetProperty("notes").GetString());
        var other = await fixture.Api.RegisterAsync();
        using var theirs = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "mine" }, other.Token);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
    }
}
