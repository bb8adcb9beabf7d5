using System.Net;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class ValidationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Email = "valid.email@example.com";
    private static readonly string LongNotes = new('n', 10_001);
    private static readonly string LongName = new('d', 101);
    private static readonly string LongPassword = new('p', 129);

    /// <summary>(method, path, raw JSON body, needs a token, the field the 400 must name).</summary>
    public static TheoryData<string, string, string?, bool, string> BadRequests => new()
    {
        { "POST", "/api/auth/register", """{"email": "a@b.c", "password": """, false, "password" },
        { "POST", "/api/auth/register", """{"email": 123, "password": "Password12", "display_name": "X"}""", false, "email" },
        { "POST", "/api/auth/register", """{"password": "Password12", "display_name": "X"}""", false, "email" },
        { "POST", "/api/auth/register", """{"email": "not-an-email", "password": "Password12", "display_name": "X"}""", false, "email" },
        { "POST", "/api/auth/register", $$"""{"email": "{{Email}}", "password": "Short12", "display_name": "X"}""", false, "password" },
        { "POST", "/api/auth/register", $$"""{"email": "{{Email}}", "password": "{{LongPassword}}", "display_name": "X"}""", false, "password" },
        { "POST", "/api/auth/register", $$"""{"email": "{{Email}}", "password": "Password12", "display_name": ""}""", false, "display_name" },
        { "POST", "/api/auth/register", $$"""{"email": "{{Email}}", "password": "Password12", "display_name": "{{LongName}}"}""", false, "display_name" },
        { "POST", "/api/auth/register", $$"""{"email": "{{Email}}", "password": "Password12"}""", false, "display_name" },
        { "POST", "/api/auth/register", "[1, 2, 3]", false, "body" },
        { "POST", "/api/auth/login", """{"email": "a@b.c", "password": 12345678}""", false, "password" },
        { "POST", "/api/auth/login", """{"password": "Password12"}""", false, "email" },
        { "POST", "/api/auth/login", "{not json", false, "body" },
        { "POST", "/api/auth/refresh", "{}", false, "refresh_token" },
        { "POST", "/api/auth/refresh", """{"refresh_token": ["x"]}""", false, "refresh_token" },
        { "POST", "/api/auth/logout", "{}", false, "refresh_token" },
        { "POST", "/api/auth/preview-slug", """{"display_name": ""}""", false, "display_name" },
        { "POST", "/api/auth/preview-slug", $$"""{"display_name": "{{LongName}}"}""", false, "display_name" },
        { "POST", "/api/incident-timers", $$"""{"notes": "{{LongNotes}}"}""", true, "notes" },
        { "POST", "/api/incident-timers", """{"reset_timestamp": "yesterday"}""", true, "reset_timestamp" },
        { "POST", "/api/incident-timers", """{"notes": 5}""", true, "notes" },
        { "PUT", "/api/incident-timers/not-a-uuid", """{"notes": "x"}""", true, "id" },
        { "PUT", "/api/incident-timers/0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b", """{"reset_timestamp": "31/12/2024"}""", true, "reset_timestamp" },
        { "PUT", "/api/incident-timers/0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b", $$"""{"notes": "{{LongNotes}}"}""", true, "notes" },
        { "DELETE", "/api/incident-timers/12345", null, true, "id" },
        { "GET", "/api/incident-timers?limit=0", null, true, "limit" },
        { "GET", "/api/incident-timers?limit=501", null, true, "limit" },
        { "GET", "/api/incident-timers?limit=-1", null, true, "limit" },
        { "GET", "/api/incident-timers?limit=ten", null, true, "limit" },
        { "GET", "/api/incident-timers?limit=99999999999", null, true, "limit" },
        { "GET", "/api/incident-timers?before=yesterday", null, true, "before" },
        { "GET", "/api/incident-timers?before=2024-05-01T12:00:00Z", null, true, "before" },
        { "GET", "/api/incident-timers?before=2024-05-01T12:00:00Z%2Cnot-a-uuid", null, true, "before" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_400_problem_details_naming_the_field(string method, string path, string? body, bool authenticated, string field)
    {
        var token = authenticated ? (await fixture.Api.RegisterAsync()).Token : null;

        using var response = await fixture.Api.SendAsync(new HttpMethod(method), path, body, token);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), await response.Content.ReadAsStringAsync());
        Assert.True(errors.TryGetProperty(field, out _), $"errors names {string.Join(", ", errors.PropertyNames())}, not {field}");
    }

    [Fact]
    public async Task Nothing_invalid_reaches_the_database()
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/register",
            $$"""{"email": "{{Email}}", "password": "Short12", "display_name": "X"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM users WHERE email = $1", db) { Parameters = { new() { Value = Email } } };
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
