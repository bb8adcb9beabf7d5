using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Security;

/// <summary>An admin is made by an operator's explicit, audited act, and nothing re-grants it by itself.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class AdminGrantTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Grant_admin_is_audited_and_a_revoked_admin_stays_revoked_after_later_worker_runs()
    {
        var admin = await Admins.CreateAsync(fixture);
        var user = await fixture.Api.RegisterAsync();
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);

        var granted = await WorkerProcess.RunAsync(fixture.OwnerConnectionString, fixture.AppDbPassword, "grant-admin", user.Email.ToUpperInvariant());

        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.True(await IsAdminAsync(connection, user.Id));
        // As a role change through the API does, the grant ended the user's sessions: they sign in again.
        using (var refresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = user.RefreshToken }))
        {
            await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Equal(1L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'role.granted' AND target = $1 AND details->>'via' = 'worker grant-admin'", $"user:{user.Id}"));

        // Another admin revokes it; the worker's ordinary runs never give it back.
        using (var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{user.Id}/roles/admin", token: admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        var run = await WorkerProcess.RunAsync(fixture.OwnerConnectionString, fixture.AppDbPassword, "run", $"--Admin:Email={user.Email}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(await IsAdminAsync(connection, user.Id));
    }

    [Fact]
    public async Task Grant_admin_for_an_email_nobody_registered_fails_with_a_message_and_changes_nothing()
    {
        var email = ApiClient.UniqueEmail("ghost");
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var admins = await connection.ScalarAsync<long>("SELECT count(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin'");

        var result = await WorkerProcess.RunAsync(fixture.OwnerConnectionString, fixture.AppDbPassword, "grant-admin", email);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No user is registered with the email", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(admins, await connection.ScalarAsync<long>("SELECT count(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin'"));
    }

    [Fact]
    public async Task Grant_admin_with_a_revert_target_is_refused_and_names_nobody()
    {
        var user = await fixture.Api.RegisterAsync();
        var other = await fixture.Api.RegisterAsync();
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);

        var result = await WorkerProcess.RunAsync(fixture.OwnerConnectionString, fixture.AppDbPassword, "grant-admin", user.Email, "--to", other.Email);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to goes with revert", result.Error, StringComparison.Ordinal);
        Assert.False(await IsAdminAsync(connection, user.Id));
        Assert.False(await IsAdminAsync(connection, other.Id));
    }

    private static Task<bool> IsAdminAsync(Npgsql.NpgsqlConnection connection, string userId) => Admins.IsAdminAsync(connection, userId);
}
