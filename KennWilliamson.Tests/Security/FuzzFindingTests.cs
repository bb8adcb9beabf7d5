using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// Regression tests, one per finding of the schema-driven fuzz suite (Fuzz/SchemaFuzzTests, docs/security.md):
/// each input that answered 500 or an undocumented status, and what it answers now.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(24)]
public sealed class FuzzFindingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Finding_nul_in_timer_notes_is_400_naming_notes()
    {
        var user = await fixture.Api.RegisterAsync();
        await AssertRefusedAsync(HttpMethod.Post, "/api/incident-timers", """{"notes":"a\u0000b"}""", user.Token, "notes");
    }

    [Fact]
    public async Task Finding_nul_in_login_email_is_400_naming_email() =>
        await AssertRefusedAsync(HttpMethod.Post, "/api/auth/login", """{"email":"a\u0000@example.com","password":"CorrectHorse9"}""", null, "email");

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=2147483647&page_size=100")]
    [InlineData("page=1000001&page_size=1")]
    public async Task Finding_page_whose_offset_overflows_is_400_naming_page(string query)
    {
        var admin = await Admins.CreateAsync(fixture);
        await AssertRefusedAsync(HttpMethod.Get, $"/api/admin/users?{query}", null, admin.Token, "page");
        await AssertRefusedAsync(HttpMethod.Get, $"/api/admin/audit-events?{query}", null, admin.Token, "page");
    }

    [Theory]
    [InlineData("page_size=99999999999", "page_size")]
    [InlineData("page=1e9", "page")]
    [InlineData("limit=-9223372036854775809", "limit")]
    public async Task Finding_query_integer_that_is_not_an_int_is_400_naming_the_field(string query, string field)
    {
        var admin = await Admins.CreateAsync(fixture);
        var path = field == "limit" ? "/api/admin/slow-queries" : "/api/admin/audit-events";
        await AssertRefusedAsync(HttpMethod.Get, $"{path}?{query}", null, admin.Token, field);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Finding_public_route_with_a_body_that_is_not_json_is_415_not_401(string contentType)
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
