using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Reliability;

/// <summary>
/// Redis, where the replicas count their shared limits, goes away: a limited request cannot be counted, so it is
/// refused with 503 and Retry-After, never let through; routes without a shared limit keep answering.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class LimitStoreOutageTests
{
    [Fact]
    public async Task With_redis_away_every_route_with_a_shared_limit_answers_503_and_lets_nothing_by()
    {
        await using var app = await ApiFixture.StartAsync(new Dictionary<string, string?>());
        var account = await app.Api.RegisterAsync();
        using (var before = await app.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "before" }, account.Token))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        await app.Limits.StopAsync();

        var newcomer = ApiClient.UniqueEmail("outage");
        var requests = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("register", () => app.Api.SendAsync(HttpMethod.Post, "/api/auth/register",
                new Dictionary<string, string> { ["email"] = newcomer, ["password"] = ApiClient.Password, ["display_name"] = "Outage" })),
            ("wrong login", () => app.Api.SendAsync(HttpMethod.Post, "/api/auth/login",
                new Dictionary<string, string> { ["email"] = account.Email, ["password"] = "wrong-password" })),
            ("right login", () => app.Api.SendAsync(HttpMethod.Post, "/api/auth/login",
                new Dictionary<string, string> { ["email"] = account.Email, ["password"] = account.Password })),
            ("refresh", () => app.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = account.RefreshToken })),
            ("timer create", () => app.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "during" }, account.Token)),
        };
        foreach (var (name, send) in requests)
        {
            using var response = await send();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name}: {response.StatusCode}");
            Assert.True(response.Headers.RetryAfter is not null, $"{name}: 503 without Retry-After");
        }

        await using var connection = await Connections.OpenAsync(app.OwnerConnectionString);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users WHERE email = $1", newcomer));
        Assert.Equal(1L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM incident_timers t JOIN users u ON u.id = t.user_id WHERE u.email = $1", account.Email));
        using var list = await app.Api.SendAsync(HttpMethod.Get, "/api/incident-timers", token: account.Token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }
}
