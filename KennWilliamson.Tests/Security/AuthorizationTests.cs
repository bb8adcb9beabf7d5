using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
public sealed class AuthorizationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>The routes that say they are public; every other route in the OpenAPI document must not be.</summary>
    private static readonly HashSet<string> PublicRoutes =
    [
        "post /api/auth/register", "post /api/auth/login", "post /api/auth/refresh", "post /api/auth/logout",
        "post /api/auth/preview-slug", "get /api/{user_slug}/incident-timer", "get /api/health", "get /api/health/db",
    ];

    private HttpClient Http => fixture.Api;

    /// <summary>Every operation of the OpenAPI document: the inventory of routes the security tests walk.</summary>
    internal static async Task<List<(string Method, string Path)>> RoutesAsync(HttpClient http)
    {
        var document = await http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);
        return [.. document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Method: op.Name, Path: path.Name)))];
    }

    private static string Concrete(string path) => path
        .Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
        .Replace("{role}", "admin", StringComparison.Ordinal)
        .Replace("{user_slug}", "someone", StringComparison.Ordinal);

    [Fact]
    public async Task Every_route_not_marked_public_answers_401_without_a_token()
    {
        var routes = await RoutesAsync(Http);
        var protectedRoutes = routes.Where(r => !PublicRoutes.Contains($"{r.Method} {r.Path}")).ToList();
        Assert.True(protectedRoutes.Count >= 10, $"only {protectedRoutes.Count} protected routes found");
        Assert.All(PublicRoutes, p => Assert.Contains(routes, r => $"{r.Method} {r.Path}" == p));

        foreach (var (method, path) in protectedRoutes)
        {
            using var response = await Http.SendAsync(new HttpMethod(method), Concrete(path), method is "put" or "post" ? "{}" : null);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Every_admin_route_answers_403_to_a_plain_user()
    {
        var user = await Http.RegisterAsync();
        var adminRoutes = (await RoutesAsync(Http)).Where(r => r.Path.StartsWith("/api/admin", StringComparison.Ordinal)).ToList();
        Assert.True(adminRoutes.Count >= 5);

        foreach (var (method, path) in adminRoutes)
        {
            using var response = await Http.SendAsync(new HttpMethod(method), Concrete(path).Replace("{id}", user.Id, StringComparison.Ordinal), token: user.Token);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Adding_admin_to_ones_own_token_or_request_body_does_not_make_an_admin()
    {
        // A body that asks for roles is bound to a record without them.
        using var register = await Http.SendAsync(HttpMethod.Post, "/api/auth/register",
            new { email = ApiClient.UniqueEmail(), password = ApiClient.Password, display_name = "Wannabe", roles = (string[])["admin"], is_admin = true });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var account = await register.JsonAsync();
        Assert.Equal(["user"], account.GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // The token's payload rewritten to say admin: the signature no longer matches.
        var parts = account.GetProperty("token").GetString()!.Split('.');
        var payload = TestJwt.Payload(account.GetProperty("token").GetString()!);
        payload["roles"] = new[] { "user", "admin" };
        var forged = $"{parts[0]}.{TestJwt.Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload))}.{parts[2]}";
        using var users = await Http.SendAsync(HttpMethod.Get, "/api/admin/users", token: forged);
        await users.AssertProblemAsync(HttpStatusCode.Unauthorized);

        // And granting oneself the role through the admin route needs admin already.
        var id = account.GetProperty("user").GetProperty("id").GetString();
        using var grant = await Http.SendAsync(HttpMethod.Put, $"/api/admin/users/{id}/roles/admin", "{\"role\":\"admin\"}", account.GetProperty("token").GetString());
        await grant.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_grants_and_revokes_roles_and_cannot_revoke_their_own_admin()
    {
        var admin = await Admins.CreateAsync(fixture);
        var target = await Http.RegisterAsync();

        using var grant = await Http.SendAsync(HttpMethod.Put, $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        Assert.Equal(["admin", "user"], (await grant.JsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        await using (var db = await Connections.OpenAsync(fixture.OwnerConnectionString))
        {
            await using var assignedBy = new Npgsql.NpgsqlCommand(
                "SELECT ur.assigned_by FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 AND r.name = 'admin'", db)
            { Parameters = { new() { Value = Guid.Parse(target.Id) } } };
            Assert.Equal(Guid.Parse(admin.Id), await assignedBy.ExecuteScalarAsync());
        }

        using var revoke = await Http.SendAsync(HttpMethod.Delete, $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(["user"], (await revoke.JsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        using var selfRevoke = await Http.SendAsync(HttpMethod.Delete, $"/api/admin/users/{admin.Id}/roles/admin", token: admin.Token);
        await selfRevoke.AssertProblemAsync(HttpStatusCode.BadRequest, "You cannot revoke your own admin role");

        var events = await AuditTests.EventsAsync(fixture, admin.Token, 200);
        Assert.Contains(events, e => e.Action == "role.granted" && e.Actor == admin.Id && e.Target == $"user:{target.Id}");
        Assert.Contains(events, e => e.Action == "role.revoked" && e.Actor == admin.Id && e.Target == $"user:{target.Id}");
    }

    [Fact]
    public async Task Concurrent_grants_of_one_role_leave_one_assignment()
    {
        var admin = await Admins.CreateAsync(fixture);
        var target = await Http.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Http.SendAsync(HttpMethod.Put, $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in responses)
        {
            r.Dispose();
        }

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 AND r.name = 'admin'", db)
        { Parameters = { new() { Value = Guid.Parse(target.Id) } } };
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Slow_queries_are_for_admins_only()
    {
        var admin = await Admins.CreateAsync(fixture);
        var user = await Http.RegisterAsync();

        using var anonymous = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=5");
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var plain = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=5", token: user.Token);
        await plain.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var response = await Http.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=100000", token: admin.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.True(rows.Count <= 100);
        Assert.Equal(["query", "calls", "mean_exec_time_ms", "total_exec_time_ms"], rows[0].PropertyNames());
        var means = rows.Select(r => r.GetProperty("mean_exec_time_ms").GetDouble()).ToList();
        Assert.Equal(means.OrderByDescending(m => m), means);
    }

    [Fact]
    public async Task A_ten_megabyte_body_gets_413_problem_details()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/login", UriKind.Relative))
        {
            Content = new ByteArrayContent(new byte[10 * 1024 * 1024]) { Headers = { { "Content-Type", "application/json" } } },
        };
        // As a careful client does with a large upload: the server can refuse before the body is sent.
        request.Headers.ExpectContinue = true;
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ApiClient.RandomClientAddress());
        using var response = await Http.SendAsync(request).WaitAsync(ApiClient.Timeout);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
