using System.Net;
using System.Security.Cryptography;
using System.Text;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class TokenTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Access_token_carries_sub_email_roles_iat_and_exp_and_is_hs256()
    {
        var account = await Http.RegisterAsync();
        var payload = TestJwt.Payload(account.Token);
        Assert.Equal(account.Id, payload["sub"].ToString());
        Assert.Equal(account.Email, payload["email"].ToString());
        Assert.Contains("user", payload["roles"].ToString(), StringComparison.Ordinal);
        Assert.True(payload.ContainsKey("iat") && payload.ContainsKey("exp"));
        Assert.Contains("\"HS256\"", Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(account.Token.Split('.')[0]))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_expired_tampered_wrong_key_and_unsigned_tokens_get_401_problems()
    {
        var account = await Http.RegisterAsync();
        var key = Encoding.UTF8.GetBytes(fixture.JwtSigningKey);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        object Claims(long iat, long exp) => new
        {
            sub = account.Id, email = account.Email, roles = new[] { "user", "admin" }, iat, nbf = iat, exp,
            iss = "kennwilliamson-api", aud = "kennwilliamson-web",
        };
        var hs256 = new { alg = "HS256", typ = "JWT" };

        // A token we sign with the right key works, so the failures below are about what they change.
        using (var control = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: TestJwt.Encode(hs256, Claims(now, now + 300), key)))
        {
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }

        var parts = account.Token.Split('.');
        var tampered = $"{parts[0]}.{TestJwt.Base64Url(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(parts[1]))).Replace("\"user\"", "\"admin\"", StringComparison.Ordinal)))}.{parts[2]}";
        string?[] bad =
        [
            null,
            TestJwt.Encode(hs256, Claims(now - 7200, now - 3600), key),                       // expired an hour ago
            tampered,                                                                          // payload changed after signing
            TestJwt.Encode(hs256, Claims(now, now + 300), Encoding.UTF8.GetBytes(new string('k', 64))), // another key
            TestJwt.Encode(new { alg = "none", typ = "JWT" }, Claims(now, now + 300), (byte[]?)null),  // unsigned
            "not-a-jwt",
        ];
        foreach (var token in bad)
        {
            using var response = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: token);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    /// <summary>
    /// Each token below is signed with the right key (or carries a signature the right key would make), so
    /// only the one claim or header it changes can be why it is refused: a validator that skipped that check
    /// would let it through. The control token proves the rest is acceptable.
    /// </summary>
    [Fact]
    public async Task Wrong_issuer_wrong_audience_alg_none_other_algorithms_and_a_future_nbf_get_401_problems()
    {
        var account = await Http.RegisterAsync();
        var key = Encoding.UTF8.GetBytes(fixture.JwtSigningKey);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Dictionary<string, object> Claims(string iss = "kennwilliamson-api", string aud = "kennwilliamson-web", long? nbf = null) => new()
        {
            ["sub"] = account.Id, ["email"] = account.Email, ["roles"] = new[] { "user" },
            ["iat"] = now, ["nbf"] = nbf ?? now, ["exp"] = now + 7200, ["iss"] = iss, ["aud"] = aud,
        };
        var hs256 = new { alg = "HS256", typ = "JWT" };
        using (var control = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: TestJwt.Encode(hs256, Claims(), key)))
        {
            Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        }

        var signed = TestJwt.Encode(hs256, Claims(), key).Split('.');
        (string Why, string Token)[] attacks =
        [
            ("wrong issuer", TestJwt.Encode(hs256, Claims(iss: "someone-else"), key)),
            ("wrong audience", TestJwt.Encode(hs256, Claims(aud: "another-app"), key)),
            ("nbf an hour ahead", TestJwt.Encode(hs256, Claims(nbf: now + 3600), key)),
            ("alg none, no signature", TestJwt.Encode(new { alg = "none", typ = "JWT" }, Claims(), (Func<byte[], byte[]>?)null)),
            ("alg none, HS256 signature kept", $"{TestJwt.Base64Url("""{"alg":"none","typ":"JWT"}"""u8.ToArray())}.{signed[1]}.{signed[2]}"),
            ("HS512 with the right key", TestJwt.Encode(new { alg = "HS512", typ = "JWT" }, Claims(), data => HMACSHA512.HashData(key, data))),
            ("HS384 with the right key", TestJwt.Encode(new { alg = "HS384", typ = "JWT" }, Claims(), data => HMACSHA384.HashData(key, data))),
            ("RS256 header over an HMAC", TestJwt.Encode(new { alg = "RS256", typ = "JWT" }, Claims(), data => HMACSHA256.HashData(key, data))),
        ];
        foreach (var (why, token) in attacks)
        {
            using var response = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Refresh_rotates_the_token_and_reusing_the_old_one_revokes_the_family()
    {
        var account = await Http.RegisterAsync();

        using var first = await Http.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = account.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var pair = await first.JsonAsync();
        var next = pair.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(account.RefreshToken, next);
        using (var me = await Http.SendAsync(HttpMethod.Get, "/api/auth/me", token: pair.GetProperty("token").GetString()))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using var reuse = await Http.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = account.RefreshToken });
        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized);

        // The reuse revoked the whole family: the new token is dead too.
        using var afterReuse = await Http.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = next });
        await afterReuse.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task After_logout_the_refresh_token_fails()
    {
        var account = await Http.RegisterAsync();

        using var logout = await Http.SendAsync(HttpMethod.Post, "/api/auth/logout", new { refresh_token = account.RefreshToken });
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var refresh = await Http.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = account.RefreshToken });
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid refresh token");
    }

    private static string PadBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
