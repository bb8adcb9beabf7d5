using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
public sealed class AuditTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    public sealed record AuditEntry(string Action, string? Actor, string? Target, string? ClientAddress, string? UserAgent);

    /// <summary>The newest <paramref name="count"/> audit events through the admin listing, page by page.</summary>
    public static async Task<List<AuditEntry>> EventsAsync(ITestApp fixture, string adminToken, int count, int pageSize = 50)
    {
        var events = new List<AuditEntry>();
        for (var page = 1; events.Count < count; page++)
        {
            using var response = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/admin/audit-events?page={page}&page_size={pageSize}", token: adminToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            var batch = body.GetProperty("events").EnumerateArray().Select(e => new AuditEntry(
                e.GetProperty("action").GetString()!, e.GetProperty("actor_user_id").GetString(), e.GetProperty("target").GetString(),
                e.GetProperty("client_address").GetString(), e.GetProperty("user_agent").GetString())).ToList();
            events.AddRange(batch);
            if (batch.Count < pageSize)
            {
                break;
            }
        }
        return events;
    }

    [Fact]
    public async Task Register_logins_and_refresh_token_reuse_are_audited_with_the_client_address()
    {
        var address = ApiClient.RandomClientAddress();
        var headers = new Dictionary<string, string> { ["User-Agent"] = "audit-test/1.0" };
        var email = ApiClient.UniqueEmail("audited");
        using var register = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/register",
            new { email, password = ApiClient.Password, display_name = "Audited" }, clientAddress: address, headers: headers);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var account = await register.JsonAsync();
        var id = account.GetProperty("user").GetProperty("id").GetString();
        var refresh = account.GetProperty("refresh_token").GetString();

        using var failed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = "WrongPassword1" }, clientAddress: address, headers: headers);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        using var ok = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = ApiClient.Password }, clientAddress: address);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var first = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = refresh }, clientAddress: address);
        using var reuse = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = refresh }, clientAddress: address);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);

        var admin = await Admins.CreateAsync(fixture);
        var mine = (await EventsAsync(fixture, admin.Token, 500)).Where(e => e.ClientAddress == address).ToList();
        Assert.Contains(mine, e => e.Action == "user.register" && e.Actor == id && e.UserAgent == "audit-test/1.0");
        Assert.Contains(mine, e => e.Action == "auth.login.failed" && e.Actor == id && e.Target == email && e.UserAgent == "audit-test/1.0");
        Assert.Contains(mine, e => e.Action == "auth.login.succeeded" && e.Actor == id);
        Assert.Contains(mine, e => e.Action == "auth.refresh_token.reuse" && e.Actor == id);
    }

    [Fact]
    public async Task A_failed_login_for_an_unknown_email_is_audited_too()
    {
        var address = ApiClient.RandomClientAddress();
        var email = ApiClient.UniqueEmail("ghost");
        using var failed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = "WrongPassword1" }, clientAddress: address);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);

        var admin = await Admins.CreateAsync(fixture);
        var events = await EventsAsync(fixture, admin.Token, 500);
        Assert.Contains(events, e => e.Action == "auth.login.failed" && e.Actor is null && e.Target == email && e.ClientAddress == address);
    }

    [Fact]
    public async Task The_admin_listing_pages_newest_first()
    {
        var admin = await Admins.CreateAsync(fixture);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Api.RegisterAsync();
        }

        using var page1 = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/audit-events?page=1&page_size=2", token: admin.Token);
        using var page2 = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/audit-events?page=2&page_size=2", token: admin.Token);
        using var capped = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/audit-events?page_size=100000", token: admin.Token);
        var first = await page1.JsonAsync();
        var second = await page2.JsonAsync();
        Assert.Equal(100, (await capped.JsonAsync()).GetProperty("page_size").GetInt32());

        var a = first.GetProperty("events").EnumerateArray().ToList();
        var b = second.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, a.Count);
        Assert.Equal(2, b.Count);
        var times = a.Concat(b).Select(e => e.GetProperty("occurred_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Empty(a.Select(e => e.GetProperty("id").GetString()).Intersect(b.Select(e => e.GetProperty("id").GetString())));
        Assert.True(first.GetProperty("total").GetInt32() >= 4);
    }
}
