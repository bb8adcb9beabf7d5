using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using KennWilliamson.Tests.Security;

namespace KennWilliamson.Tests.Api;

/// <summary>
/// For every route of the OpenAPI document, admin included: the statuses it documents are exactly the
/// statuses requests to it are seen to answer. Each status is provoked here, except the two no request
/// to a healthy shared application can cause: 429 (a limit spent: RateLimitTests, TimerWriteLimitTests)
/// and 503 (the database down: CrashTests). An undocumented answer, or a documented status no request
/// produces, fails the test.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class RouteStatusTests(ApiFixture fixture) : IDisposable, IClassFixture<ApiFixture>
{
    private static readonly int[] ObservedElsewhere = [429, 503];

    /// <summary>The routes a rate limit covers: their 429 is documented, and no other route's.</summary>
    private static readonly string[] RateLimited =
    [
        "post /api/auth/register", "post /api/auth/login", "post /api/auth/refresh",
        "post /api/incident-timers", "put /api/incident-timers/{id}", "delete /api/incident-timers/{id}",
    ];

    private readonly Dictionary<string, SortedSet<int>> _observed = [];

    // ApiClient sends a large body with Expect: 100-continue; this client waits for the go-ahead long enough
    // for a busy machine (the default is 1 s), so the 413 comes before the body is sent.
    private readonly HttpClient _http = new(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
    {
        BaseAddress = fixture.Api.BaseAddress,
        Timeout = ApiClient.Timeout,
    };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Every_route_documents_exactly_the_statuses_it_answers()
    {
        var documented = await DocumentedAsync();
        var me = await fixture.Api.RegisterAsync();
        var gone = await fixture.Api.RegisterAsync(); // an account deleted while its token is still valid
        var admin = await Admins.CreateAsync(fixture);
        var goneAdmin = await Admins.CreateAsync(fixture); // deleted too: its token still says admin, the database does not
        await using (var db = await Connections.OpenAsync(fixture.OwnerConnectionString))
        {
            await db.ExecuteAsync("DELETE FROM users WHERE id = ANY($1)", (object)new[] { Guid.Parse(gone.Id), Guid.Parse(goneAdmin.Id) });
        }
        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "statuses" }, me.Token);
        var timer = (await created.JsonAsync()).GetProperty("id").GetString();
        var unknown = Guid.NewGuid();

        foreach (var route in documented.Keys)
        {
            // Every route: a request line over Kestrel's 8 KB limit; without a token where one is needed.
            await HitAsync(route, Concrete(route, unknown) + "?q=" + new string('a', 9000), null, me.Token);
            await HitAsync(route, Concrete(route, unknown), HasBody(route) ? Json("{}") : null, null);
            if (route.Contains("/api/admin/", StringComparison.Ordinal))
            {
                await HitAsync(route, Concrete(route, Guid.Parse(me.Id)), null, me.Token); // 403: not an admin
            }
            if (HasBody(route))
            {
                await HitAsync(route, Concrete(route, unknown), Json("{"), me.Token); // 400: not JSON
                await HitAsync(route, Concrete(route, unknown), Json($"{{\"notes\":\"{new string('x', 1_100_000)}\"}}"), me.Token); // 413
                await HitAsync(route, Concrete(route, unknown), new StringContent("notes", Encoding.UTF8, "text/plain"), me.Token); // 415
            }
        }

        var email = me.Email;
        await HitAsync("post /api/auth/register", "/api/auth/register", Body(new { email = ApiClient.UniqueEmail(), password = ApiClient.Password, display_name = "Statuses" }), null);
        await HitAsync("post /api/auth/register", "/api/auth/register", Body(new { email, password = ApiClient.Password, display_name = "Again" }), null); // 409
        await HitAsync("post /api/auth/login", "/api/auth/login", Body(new { email, password = ApiClient.Password }), null);
        await HitAsync("post /api/auth/login", "/api/auth/login", Body(new { email, password = "WrongPassword1" }), null); // 401
        await HitAsync("post /api/auth/refresh", "/api/auth/refresh", Body(new { refresh_token = me.RefreshToken }), null);
        await HitAsync("post /api/auth/refresh", "/api/auth/refresh", Body(new { refresh_token = "not-a-token" }), null); // 401
        await HitAsync("post /api/auth/logout", "/api/auth/logout", Body(new { refresh_token = "not-a-token" }), null);
        await HitAsync("post /api/auth/preview-slug", "/api/auth/preview-slug", Body(new { display_name = "Statuses" }), null);
        await HitAsync("get /api/auth/me", "/api/auth/me", null, me.Token);
        await HitAsync("get /api/auth/me", "/api/auth/me", null, gone.Token); // 404
        await HitAsync("get /api/{user_slug}/incident-timer", $"/api/{me.Slug}/incident-timer", null, null);
        await HitAsync("get /api/{user_slug}/incident-timer", "/api/no-such-user-statuses/incident-timer", null, null); // 404
        await HitAsync("get /api/{user_slug}/incident-timer", "/api/bad%00slug/incident-timer", null, null); // 400: NUL
        await HitAsync("get /api/incident-timers", "/api/incident-timers", null, me.Token);
        await HitAsync("get /api/incident-timers", "/api/incident-timers?limit=0", null, me.Token); // 400
        await HitAsync("post /api/incident-timers", "/api/incident-timers", Body(new { notes = "ok" }), me.Token);
        await HitAsync("post /api/incident-timers", "/api/incident-timers", Body(new { notes = "orphan" }), gone.Token); // 404
        await HitAsync("put /api/incident-timers/{id}", $"/api/incident-timers/{timer}", Body(new { notes = "changed" }), me.Token);
        await HitAsync("put /api/incident-timers/{id}", $"/api/incident-timers/{unknown}", Body(new { notes = "x" }), me.Token); // 404
        await HitAsync("delete /api/incident-timers/{id}", $"/api/incident-timers/{unknown}", null, me.Token); // 404
        await HitAsync("delete /api/incident-timers/{id}", "/api/incident-timers/not-a-uuid", null, me.Token); // 400
        await HitAsync("delete /api/incident-timers/{id}", $"/api/incident-timers/{timer}", null, me.Token);
        await HitAsync("get /api/health", "/api/health", null, null);
        await HitAsync("get /api/health/db", "/api/health/db", null, null);
        foreach (var list in new[] { "users", "audit-events" })
        {
            await HitAsync($"get /api/admin/{list}", $"/api/admin/{list}?page=1&page_size=5", null, admin.Token);
            await HitAsync($"get /api/admin/{list}", $"/api/admin/{list}?page=2147483647", null, admin.Token); // 400: past the last page allowed
        }
        await HitAsync("get /api/admin/slow-queries", "/api/admin/slow-queries?limit=5", null, admin.Token);
        await HitAsync("get /api/admin/slow-queries", "/api/admin/slow-queries?limit=many", null, admin.Token); // 400
        foreach (var method in new[] { "put", "delete" })
        {
            var route = $"{method} /api/admin/users/{{id}}/roles/{{role}}";
            await HitAsync(route, $"/api/admin/users/{me.Id}/roles/admin", null, admin.Token);
            await HitAsync(route, $"/api/admin/users/{unknown}/roles/admin", null, admin.Token); // 404
            await HitAsync(route, "/api/admin/users/not-a-uuid/roles/admin", null, admin.Token); // 400
        }
        // The granting admin's account is gone: no admin any more (403, not a 500).
        await HitAsync("put /api/admin/users/{id}/roles/{role}", $"/api/admin/users/{me.Id}/roles/admin", null, goneAdmin.Token);

        Assert.Equal(documented.Keys.Order(StringComparer.Ordinal), _observed.Keys.Order(StringComparer.Ordinal));
        Assert.All(documented, route => Assert.Equal(route.Value.Except(ObservedElsewhere), _observed[route.Key].Except(ObservedElsewhere)));
        Assert.Equal(RateLimited.Order(StringComparer.Ordinal), documented.Where(r => r.Value.Contains(429)).Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    private async Task HitAsync(string route, string path, HttpContent? content, string? token)
    {
        var method = new HttpMethod(route[..route.IndexOf(' ', StringComparison.Ordinal)].ToUpperInvariant());
        using var response = await _http.SendAsync(method, path, content, token);
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{route} ({path[..Math.Min(path.Length, 80)]}) answered {status}");
        // Kestrel's own bare refusals come before any application code: 414, and 400 for a NUL in the path.
        var kestrelRefusal = status == 414 || (status == 400 && path.Split('?')[0].Contains("%00", StringComparison.Ordinal));
        if (status >= 400 && !kestrelRefusal)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{route} answered {status} with {response.Content.Headers.ContentType?.MediaType ?? "no body"}, not problem details");
            await response.AssertProblemAsync(response.StatusCode);
        }
        (_observed.TryGetValue(route, out var seen) ? seen : _observed[route] = []).Add(status);
    }

    private async Task<Dictionary<string, SortedSet<int>>> DocumentedAsync()
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Route: $"{op.Name} {path.Name}",
                Statuses: new SortedSet<int>(op.Value.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture))))))
            .ToDictionary(r => r.Route, r => r.Statuses);
    }

    private static string Concrete(string route, Guid id) => route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]
        .Replace("{id}", id.ToString(), StringComparison.Ordinal)
        .Replace("{role}", "admin", StringComparison.Ordinal)
        .Replace("{user_slug}", "someone", StringComparison.Ordinal);

    private static bool HasBody(string route) =>
        (route.StartsWith("post ", StringComparison.Ordinal) || route.StartsWith("put ", StringComparison.Ordinal)) && !route.Contains("/admin/", StringComparison.Ordinal);

    private static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    private static JsonContent Body(object value) => JsonContent.Create(value);
}
