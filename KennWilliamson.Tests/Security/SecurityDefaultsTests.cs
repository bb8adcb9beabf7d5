using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// The API as configured out of the box (no trusted proxy), with one setting changed: the access-token
/// lifetime a deployment for the original web client would choose.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class SecurityDefaultsTests(SecurityDefaultsTests.ShippedApi fixture) : IClassFixture<SecurityDefaultsTests.ShippedApi>
{
    /// <summary>No trusted proxy (the API's default; the other fixtures trust the tests as one), an 8-hour token.</summary>
    public sealed class ShippedApi : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = null,
            ["Jwt:AccessTokenLifetime"] = "08:00:00",
        };
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_does_not_escape_the_login_limit()
    {
        // Every attempt claims another client address and another email; the API believes neither proxy
        // nor header, so all eleven come from the one real peer.
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login",
                new { email = ApiClient.UniqueEmail("forged"), password = "WrongPassword1" }, clientAddress: ApiClient.RandomClientAddress());
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var eleventh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login",
            new { email = ApiClient.UniqueEmail("forged"), password = "WrongPassword1" }, clientAddress: ApiClient.RandomClientAddress());
        await eleventh.AssertProblemAsync(HttpStatusCode.TooManyRequests);

        // The audit trail records the real peer, never the address a client wrote.
        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var seen = await Schema.SchemaSql.ColumnAsync<string>(db, "SELECT coalesce(host(client_address), 'none') FROM audit_events WHERE action = 'auth.login.failed'");
        Assert.Equal(10, seen.Count);
        Assert.All(seen, address => Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address)), address));
    }

    [Fact]
    public async Task The_access_token_lifetime_setting_reaches_the_tokens_the_api_issues()
    {
        var account = await fixture.Api.RegisterAsync();

        var payload = TestJwt.Payload(account.Token);
        var lifetime = long.Parse(payload["exp"].ToString()!, System.Globalization.CultureInfo.InvariantCulture)
            - long.Parse(payload["iat"].ToString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((long)TimeSpan.FromHours(8).TotalSeconds, lifetime);
    }
}
