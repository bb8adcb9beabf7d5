using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Security;

namespace KennWilliamson.Tests.Scale;

/// <summary>Every endpoint that reaches the database, on its success paths and its database-backed failures.</summary>
internal static class ApiTour
{
    public static async Task CallEveryEndpointAsync(ITestApp fixture)
    {
        var http = fixture.Api;
        var name = "Tour " + Guid.NewGuid().ToString("N")[..8];
        await Expect(http, HttpMethod.Post, "/api/auth/preview-slug", HttpStatusCode.OK, new { display_name = name });
        var me = await http.RegisterAsync(name);
        await http.RegisterAsync(name); // the slug is taken: the "-2" path
        var login = await Expect(http, HttpMethod.Post, "/api/auth/login", HttpStatusCode.OK, new { email = me.Email, password = me.Password });
        await Expect(http, HttpMethod.Post, "/api/auth/login", HttpStatusCode.Unauthorized, new { email = me.Email, password = "WrongPassword1" });
        await Expect(http, HttpMethod.Post, "/api/auth/login", HttpStatusCode.Unauthorized, new { email = ApiClient.UniqueEmail(), password = "WrongPassword1" });
        await Expect(http, HttpMethod.Get, "/api/auth/me", HttpStatusCode.OK, token: me.Token);
        await Expect(http, HttpMethod.Post, "/api/auth/refresh", HttpStatusCode.OK, new { refresh_token = me.RefreshToken });
        // Reuse of a spent refresh token revokes its family.
        await Expect(http, HttpMethod.Post, "/api/auth/refresh", HttpStatusCode.Unauthorized, new { refresh_token = me.RefreshToken });
        await Expect(http, HttpMethod.Post, "/api/auth/logout", HttpStatusCode.NoContent, new { refresh_token = login.GetProperty("refresh_token").GetString() });

        var timer = await Expect(http, HttpMethod.Post, "/api/incident-timers", HttpStatusCode.Created, new { notes = "tour" }, me.Token);
        var id = timer.GetProperty("id").GetString();
        await Expect(http, HttpMethod.Put, $"/api/incident-timers/{id}", HttpStatusCode.OK, new { notes = "tour 2" }, me.Token);
        await Expect(http, HttpMethod.Put, $"/api/incident-timers/{Guid.NewGuid()}", HttpStatusCode.NotFound, new { notes = "x" }, me.Token);
        await Expect(http, HttpMethod.Get, "/api/incident-timers", HttpStatusCode.OK, token: me.Token);
        await Expect(http, HttpMethod.Get, $"/api/incident-timers?limit=1&before=2100-01-01T00:00:00Z%2C{Guid.NewGuid()}", HttpStatusCode.OK, token: me.Token);
        await Expect(http, HttpMethod.Get, $"/api/{me.Slug}/incident-timer", HttpStatusCode.OK);
        await Expect(http, HttpMethod.Get, "/api/no-such-user-tour/incident-timer", HttpStatusCode.NotFound);
        await Expect(http, HttpMethod.Delete, $"/api/incident-timers/{id}", HttpStatusCode.NoContent, token: me.Token);
        await Expect(http, HttpMethod.Get, "/api/health/db", HttpStatusCode.OK);

        var admin = await Admins.CreateAsync(fixture);
        await Expect(http, HttpMethod.Get, "/api/admin/users?page=2&page_size=5", HttpStatusCode.OK, token: admin.Token);
        await Expect(http, HttpMethod.Put, $"/api/admin/users/{me.Id}/roles/admin", HttpStatusCode.OK, token: admin.Token);
        await Expect(http, HttpMethod.Delete, $"/api/admin/users/{me.Id}/roles/admin", HttpStatusCode.OK, token: admin.Token);
        await Expect(http, HttpMethod.Get, "/api/admin/audit-events?page=1&page_size=5", HttpStatusCode.OK, token: admin.Token);
        await Expect(http, HttpMethod.Get, "/api/admin/slow-queries?limit=5", HttpStatusCode.OK, token: admin.Token);
    }

    private static async Task<System.Text.Json.JsonElement> Expect(HttpClient http, HttpMethod method, string path, HttpStatusCode status, object? body = null, string? token = null)
    {
        using var response = await http.SendAsync(method, path, body, token);
        Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
            ? default
            : await response.JsonAsync();
    }
}
