using System.Security.Claims;
using KennWilliamson.Data.Entities;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The caller's id from the token, and roles as the database holds them now: the token's <c>roles</c> claim
/// decides nothing, since a token outlives a role change.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor http, NpgsqlDataSource database)
{
    private Task<bool>? _isAdmin;

    public Guid? Id => IdOf(http.HttpContext?.User);

    public Guid RequiredId => Id ?? throw new InvalidOperationException("An authenticated request carries no user id.");

    public static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;

    /// <summary>Asked once per request; a deleted account has no roles, so its still-valid token is no admin's.</summary>
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
    public static IServiceCollection AddCurrentUser(this IServiceCollection services) =>
        services.AddHttpContextAccessor().AddScoped<CurrentUser>();
}
