using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
public sealed class AuditAtomicityTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>
    /// A CHECK constraint (added by the owner for this one target user, NOT VALID so old rows are not
    /// checked) makes the audit insert fail. The role change it describes must roll back with it, and so must
    /// the end of the user's sessions that comes with the change.
    /// </summary>
    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task When_the_audit_row_cannot_be_written_the_role_change_is_rolled_back(string method)
    {
        var admin = await Admins.CreateAsync(fixture);
        var target = await fixture.Api.RegisterAsync();
        var targetId = Guid.Parse(target.Id);
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        if (method == "DELETE")
        {
            using var granted = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        // A session of the target that is live (the grant above ended the earlier ones).
        using (var login = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = target.Email, password = target.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        var rolesBefore = await RolesAsync(connection, targetId);
        var liveSessionsBefore = await LiveSessionsAsync(connection, targetId);
        Assert.True(liveSessionsBefore > 0);
        var constraint = $"test_no_audit_{Guid.NewGuid():N}";
        await connection.ExecuteAsync($"ALTER TABLE audit_events ADD CONSTRAINT {constraint} CHECK (target IS DISTINCT FROM 'user:{targetId}') NOT VALID");
        try
        {
            using var response = await fixture.Api.SendAsync(new HttpMethod(method), $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);

            Assert.False(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: the change was reported as done without its audit row");
            Assert.Equal(rolesBefore, await RolesAsync(connection, targetId));
            Assert.Equal(liveSessionsBefore, await LiveSessionsAsync(connection, targetId));
        }
        finally
        {
            await connection.ExecuteAsync($"ALTER TABLE audit_events DROP CONSTRAINT {constraint}");
        }

        // Once the audit trail accepts the row, the same request goes through and is recorded.
        using var retried = await fixture.Api.SendAsync(new HttpMethod(method), $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.NotEqual(rolesBefore, await RolesAsync(connection, targetId));
        Assert.Equal(0L, await LiveSessionsAsync(connection, targetId));
        Assert.True(await connection.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE target = $1 AND action LIKE 'role.%'", $"user:{targetId}") >= 1);
    }

    private static Task<long> LiveSessionsAsync(Npgsql.NpgsqlConnection connection, Guid userId) =>
        connection.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL", userId);

    private static async Task<string> RolesAsync(Npgsql.NpgsqlConnection connection, Guid userId) =>
        string.Join(",", await connection.ColumnAsync<string>(
            "SELECT r.name::text FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY 1", userId));
}
