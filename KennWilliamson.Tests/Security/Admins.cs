using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

/// <summary>Admins are made the only way the project allows outside the API: the worker's grant-admin verb.</summary>
public static class Admins
{
    public static async Task<Account> CreateAsync(ITestApp fixture)
    {
        var account = await fixture.Api.RegisterAsync("Admin " + Guid.NewGuid().ToString("N")[..6]);
        var worker = await WorkerProcess.RunAsync(fixture.OwnerConnectionString, fixture.AppDbPassword, "grant-admin", account.Email);
        Assert.True(worker.ExitCode == 0, worker.Output + worker.Error);

        // Roles travel in the token: sign in again to get one that says admin.
        using var login = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.JsonAsync();
        Assert.Contains("admin", body.GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        return account with { Token = body.GetProperty("token").GetString()!, RefreshToken = body.GetProperty("refresh_token").GetString()!, User = body.GetProperty("user") };
    }

    /// <summary>
    /// A registered user made an admin by the owner in SQL: for tests that need many admins (a worker process each
    /// would take seconds). The token keeps saying "user"; the database decides, so the account is an admin at once.
    /// </summary>
    public static async Task<Account> CreateInDatabaseAsync(ITestApp fixture)
    {
        var account = await fixture.Api.RegisterAsync("Admin " + Guid.NewGuid().ToString("N")[..6]);
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await Schema.SchemaSql.ExecuteAsync(connection,
            "INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = 'admin'", Guid.Parse(account.Id));
        return account;
    }

    public static Task<bool> IsAdminAsync(Npgsql.NpgsqlConnection connection, string userId) =>
        Schema.SchemaSql.ScalarAsync<bool>(connection,
            "SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 AND r.name = 'admin')", Guid.Parse(userId));
}
