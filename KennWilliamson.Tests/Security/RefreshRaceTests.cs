using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
public sealed class RefreshRaceTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>
    /// Twenty clients refresh one token at once (each from its own address, so no rate limit answers).
    /// Exactly one gets a new pair; the rest are reuse, which revokes the family — including the token
    /// the winner was just given, whatever order the statements ran in. Repeated to give the race chances.
    /// </summary>
    [Fact]
    public async Task Twenty_concurrent_refreshes_of_one_token_give_exactly_one_new_token_and_reuse_leaves_no_live_token()
    {
        for (var round = 0; round < 3; round++)
        {
            var account = await fixture.Api.RegisterAsync();
            using var start = new Barrier(20);
            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = account.RefreshToken });
                var body = await response.JsonAsync();
                return (response.StatusCode, Token: response.IsSuccessStatusCode ? body.GetProperty("refresh_token").GetString() : null);
            })));

            var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));

            // Reuse was detected (19 losers presented a spent token): no token of the family works any more.
            using var next = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = winner.Token });
            await next.AssertProblemAsync(HttpStatusCode.Unauthorized);
            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
            Assert.Equal(0L, await connection.ScalarAsync<long>(
                "SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()", Guid.Parse(account.Id)));
        }
    }
}
