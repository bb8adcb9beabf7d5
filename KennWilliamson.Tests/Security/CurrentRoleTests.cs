using System.Net;
using System.Text.Json;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// Admin decisions follow the roles the database holds at the time of the request, never the roles an access
/// token was signed with (tokens may live hours); a role change ends the changed user's sessions.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class CurrentRoleTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_revoked_admin_gets_403_on_every_admin_route_and_cannot_take_the_role_back()
    {
        var a = await Admins.CreateAsync(fixture);
        var b = await Admins.CreateAsync(fixture);
        Assert.True(await SeesStorageAsync(b.Token), "before the revocation b's token is an admin's");

        using (var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{b.Id}/roles/admin", token: a.Token))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // b keeps the token signed while b was an admin; it still says so.
        Assert.Contains("admin", TestJwt.Payload(b.Token)["roles"].ToString(), StringComparison.Ordinal);
        var adminRoutes = (await AuthorizationTests.RoutesAsync(fixture.Api)).Where(r => r.Path.StartsWith("/api/admin/", StringComparison.Ordinal)).ToList();
        Assert.Contains(("put", "/api/admin/users/{id}/roles/{role}"), adminRoutes);
        Assert.Contains(("delete", "/api/admin/users/{id}/roles/{role}"), adminRoutes);
        foreach (var (method, path) in adminRoutes)
        {
            // The PUT would give b the role back; the DELETE would take it from a.
            var concrete = path.Replace("{id}", method == "put" ? b.Id : a.Id, StringComparison.Ordinal).Replace("{role}", "admin", StringComparison.Ordinal);
            using var response = await fixture.Api.SendAsync(new HttpMethod(method), concrete, token: b.Token);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {concrete} answered {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal(["admin", "user"], await RolesAsync(db, a.Id));
        Assert.Equal(["user"], await RolesAsync(db, b.Id));
        using (var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/users?page_size=1", token: a.Token))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
        Assert.False(await SeesStorageAsync(b.Token), "b's old token still gets the storage details");
        Assert.True(await SeesStorageAsync(a.Token));

        // b's sessions ended with the change: the refresh token b had is refused, and not reported as theft.
        using (var refresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = b.RefreshToken }))
        {
            await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid refresh token");
        }
        Assert.Equal(0L, await ReuseEventsAsync(db, b.Id));
        Assert.Equal(["user"], await SignInRolesAsync(b));
    }

    [Fact]
    public async Task A_user_granted_admin_is_one_at_once_and_their_sessions_end_without_a_theft_report()
    {
        var admin = await Admins.CreateAsync(fixture);
        var user = await fixture.Api.RegisterAsync();
        var secondSession = await SignInAsync(user);
        using (var before = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/users?page_size=1", token: user.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        }

        using (var grant = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/roles/admin", token: admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        // The token says "user" only; the database says admin, and the database decides.
        Assert.DoesNotContain("admin", TestJwt.Payload(user.Token)["roles"].ToString(), StringComparison.Ordinal);
        using (var after = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/users?page_size=1", token: user.Token))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        Assert.True(await SeesStorageAsync(user.Token));

        // Both of the user's sessions (register and a later sign-in) ended; the granting admin's did not.
        foreach (var refreshToken in new[] { user.RefreshToken, secondSession.GetProperty("refresh_token").GetString() })
        {
            using var refresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = refreshToken });
            await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid refresh token");
        }
        using (var adminRefresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = admin.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.OK, adminRefresh.StatusCode);
        }
        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal(0L, await ReuseEventsAsync(db, user.Id));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL", Guid.Parse(user.Id)));
        Assert.Equal(["admin", "user"], await SignInRolesAsync(user));

        // A spent token presented again is still reuse, revoked family or not: that is the theft signal.
        using (var spent = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = admin.RefreshToken }))
        {
            await spent.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid refresh token");
        }
        Assert.Equal(1L, await ReuseEventsAsync(db, admin.Id));
    }

    [Fact]
    public async Task An_admin_whose_account_was_deleted_is_no_admin()
    {
        var gone = await Admins.CreateAsync(fixture);
        var user = await fixture.Api.RegisterAsync();
        await using (var db = await Connections.OpenAsync(fixture.OwnerConnectionString))
        {
            await db.DeleteUserAsync(Guid.Parse(gone.Id));
        }

        using var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/admin/users?page_size=1", token: gone.Token);
        await list.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var grant = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/roles/admin", token: gone.Token);
        await grant.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(await SeesStorageAsync(gone.Token));
    }

    private async Task<bool> SeesStorageAsync(string token)
    {
        using var health = await fixture.Api.SendAsync(HttpMethod.Get, "/api/health/db", token: token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        return (await health.JsonAsync()).TryGetProperty("storage", out _);
    }

    private async Task<JsonElement> SignInAsync(Account account)
    {
        using var login = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return await login.JsonAsync();
    }

    private async Task<List<string?>> SignInRolesAsync(Account account) =>
        [.. (await SignInAsync(account)).GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString())];

    private static Task<List<string>> RolesAsync(Npgsql.NpgsqlConnection db, string userId) =>
        db.ColumnAsync<string>("SELECT r.name::text FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY 1", Guid.Parse(userId));

    private static Task<long> ReuseEventsAsync(Npgsql.NpgsqlConnection db, string userId) =>
        db.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'auth.refresh_token.reuse' AND target = $1", $"user:{userId}");
}
