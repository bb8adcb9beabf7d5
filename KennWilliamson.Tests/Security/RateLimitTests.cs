using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
[LongRunning(21)]
public sealed class RateLimitTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_eleventh_login_in_a_minute_from_one_address_gets_429_and_another_address_is_unaffected()
    {
        var address = ApiClient.RandomClientAddress();
        // A new email each time: this is the per-address limit, not the per-account one.
        object Login() => new { email = ApiClient.UniqueEmail("limited"), password = "WrongPassword1" };

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: address);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var eleventh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: address);
        await eleventh.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = Assert.Single(eleventh.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);

        using var other = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: ApiClient.RandomClientAddress());
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    /// <summary>
    /// An IPv6 subscriber may be handed a whole /48: ten logins from ten addresses in different /64s (and /56s) of
    /// one /48 spend its budget, and the next /48 (the neighbouring prefix) has its own.
    /// </summary>
    [Fact]
    public async Task Every_address_of_one_IPv6_48_spends_one_login_budget()
    {
        var site = System.Security.Cryptography.RandomNumberGenerator.GetInt32(0xffff);
        string AddressIn(int net) => $"2001:db8:{net:x}:{Group()}:{Group()}:{Group()}:{Group()}:{Group()}";
        object Login() => new { email = ApiClient.UniqueEmail("ipv6"), password = "WrongPassword1" };

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: AddressIn(site));
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var eleventh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: AddressIn(site));
        await eleventh.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        using var neighbour = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: AddressIn(site + 1));
        Assert.Equal(HttpStatusCode.Unauthorized, neighbour.StatusCode);
    }

    /// <summary>
    /// 2002:aabb:ccdd::/48 is the 6to4 network of a.b.c.d: logins from ten of its addresses spend that IPv4
    /// address's budget, so the IPv4 address itself is refused next.
    /// </summary>
    [Fact]
    public async Task The_6to4_addresses_of_an_IPv4_address_share_its_login_budget()
    {
        var v4 = ApiClient.RandomClientAddress();
        var octets = IPAddress.Parse(v4).GetAddressBytes();
        var sixToFour = $"2002:{octets[0]:x2}{octets[1]:x2}:{octets[2]:x2}{octets[3]:x2}";
        object Login() => new { email = ApiClient.UniqueEmail("6to4"), password = "WrongPassword1" };

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: $"{sixToFour}:{Group()}::{Group()}");
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var refused = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", Login(), clientAddress: v4);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    private static string Group() =>
        System.Security.Cryptography.RandomNumberGenerator.GetInt32(0x10000).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_spelling_of_the_login_path_shares_one_budget()
    {
        var address = ApiClient.RandomClientAddress();
        string[] spellings = ["/api/auth/login", "/api/auth/LOGIN", "/API/Auth/Login", "/api/auth/lOgin"];

        // Ten attempts spread over four spellings (each with its own email: the per-account limit stays out of it).
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, spellings[attempt % spellings.Length],
                new { email = ApiClient.UniqueEmail("spelling"), password = "WrongPassword1" }, clientAddress: address);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        foreach (var spelling in spellings)
        {
            using var refused = await fixture.Api.SendAsync(HttpMethod.Post, spelling,
                new { email = ApiClient.UniqueEmail("spelling"), password = "WrongPassword1" }, clientAddress: address);
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }
    }

    [Fact]
    public async Task Five_failed_logins_lock_an_account_across_addresses_and_an_unknown_email_is_answered_the_same()
    {
        var account = await fixture.Api.RegisterAsync();
        var unknown = ApiClient.UniqueEmail("nobody");

        var known = await FailFiveTimesThenTryAsync(account.Email, account.Password);
        var stranger = await FailFiveTimesThenTryAsync(unknown, account.Password);

        // Rotating addresses bought nothing: the sixth attempt is refused, even with the right password.
        Assert.Equal(["401", "401", "401", "401", "401", "429"], known.Statuses);
        // And an email nobody registered gets the very same answers, so the limit reveals nothing.
        Assert.Equal(known.Statuses, stranger.Statuses);
        Assert.Equal(known.Body, stranger.Body);
        Assert.InRange(known.RetryAfter, 1, 15 * 60);
        Assert.InRange(stranger.RetryAfter, 1, 15 * 60);
    }

    /// <summary>
    /// Spellings the database's lower() folds together (here 'İ', U+0130, which .NET's invariant lower-casing
    /// leaves alone) find the same account, so they share its budget too.
    /// </summary>
    [Fact]
    public async Task Email_spellings_that_find_the_same_account_share_its_failed_login_budget()
    {
        var account = await fixture.Api.RegisterAsync(email: $"kim.{Guid.NewGuid():N}@example.com");
        var spelled = "K\u0130M" + account.Email[3..].ToUpperInvariant();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = spelled, password = "WrongPassword1" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
        using var right = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });

        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    private async Task<(List<string> Statuses, string Body, int RetryAfter)> FailFiveTimesThenTryAsync(string email, string rightPassword)
    {
        var statuses = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = "WrongPassword1" });
            statuses.Add(((int)failed.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var last = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = rightPassword });
        statuses.Add(((int)last.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var body = await last.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(last.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        // Everything but the trace id, which differs per request by design.
        var comparable = string.Join("|", body.EnumerateObject().Where(p => p.Name is not ("traceId" or "trace_id")).Select(p => $"{p.Name}={p.Value}"));
        return (statuses, comparable, retryAfter);
    }
}
