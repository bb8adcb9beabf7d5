using System.Net;
using KennWilliamson.Tests.Api;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// Regression tests, one per finding of the schema-driven fuzz suite (Fuzz/SchemaFuzzTests, docs/security.md):
/// each input that answered 500 or an undocumented status, and what it answers now.
/// </summary>
public sealed partial class HostileInputTests
{
    [Fact]
    public async Task Finding_NulInTimerNotes_Is400NamingNotes()
    {
        var user = await fixture.Api.RegisterAsync();
        await AssertRefusedAsync(HttpMethod.Post, "/api/incident-timers", """{"notes":"a\u0000b"}""", user.Token, "notes");
    }

    [Fact]
    public async Task Finding_NulInLoginEmail_Is400NamingEmail() =>
        await AssertRefusedAsync(HttpMethod.Post, "/api/auth/login", """{"email":"a\u0000@example.com","password":"CorrectHorse9"}""", null, "email");

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=2147483647&page_size=100")]
    [InlineData("page=1000001&page_size=1")]
    public async Task Finding_PageWhoseOffsetOverflows_Is400NamingPage(string query)
    {
        var admin = await Admins.CreateAsync(fixture);
        await AssertRefusedAsync(HttpMethod.Get, $"/api/admin/users?{query}", null, admin.Token, "page");
        await AssertRefusedAsync(HttpMethod.Get, $"/api/admin/audit-events?{query}", null, admin.Token, "page");
    }

    [Theory]
    [InlineData("page_size=99999999999", "page_size")]
    [InlineData("page=1e9", "page")]
    [InlineData("limit=-9223372036854775809", "limit")]
    public async Task Finding_QueryIntegerThatIsNotAnInt_Is400NamingTheField(string query, string field)
    {
        var admin = await Admins.CreateAsync(fixture);
        var path = field == "limit" ? "/api/admin/slow-queries" : "/api/admin/audit-events";
        await AssertRefusedAsync(HttpMethod.Get, $"{path}?{query}", null, admin.Token, field);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Finding_PublicRouteWithABodyThatIsNotJson_Is415Not401(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/register")
        {
            Content = new StringContent("""{"email":"a@example.com"}""", System.Text.Encoding.UTF8, contentType),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ApiClient.RandomClientAddress());
        using var response = await fixture.Api.SendAsync(request).WaitAsync(ApiClient.Timeout);
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    private async Task AssertRefusedAsync(HttpMethod method, string path, string? body, string? token, string field)
    {
        using var response = await fixture.Api.SendAsync(method, path, body, token);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{method} {path}: {problem}");
    }
}
