using System.Security.Claims;
using KennWilliamson.Data.Entities;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The caller of this request: their id from the token's <c>sub</c>, and their roles as the database holds
/// them now. The token's <c>roles</c> claim is a copy made at sign-in and decides nothing: an access token
/// outlives a role change by up to its whole lifetime.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor http, NpgsqlDataSource database)
{
    private Task<bool>? _isAdmin;

    /// <summary>The caller's id; null for an anonymous request (or a token without a user id).</summary>
    public Guid? Id => IdOf(http.HttpContext?.User);

    /// <summary>The caller's id on a route that requires a token (the bearer handler has checked it).</summary>
    public Guid RequiredId => Id ?? throw new InvalidOperationException("An authenticated request carries no user id.");

    public static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;

    /// <summary>
    /// Whether the caller holds the admin role now: one indexed query, asked once per request. A deleted
    /// account has no roles, so its still-valid token is no admin's.
    /// </summary>
    public Task<bool> IsAdminAsync(CancellationToken ct) =>
        _isAdmin ??= Id is { } id ? HasRoleAsync(id, Role.AdminRoleName, ct) : Task.FromResult(false);

    private async Task<bool> HasRoleAsync(Guid userId, string role, CancellationToken ct)
    {
        var statement = AccessSql.HasRole;
        await using var command = statement.CreateCommand(database, statement.Argument(0, userId), statement.Argument(1, role));
        return await command.ExecuteScalarAsync(ct) is true;
    }
}

public static class CurrentUserServices
{
    /// <summary>One <see cref="CurrentUser"/> per request.</summary>
    public static IServiceCollection AddCurrentUser(this IServiceCollection services) =>
        services.AddHttpContextAccessor().AddScoped<CurrentUser>();
}
