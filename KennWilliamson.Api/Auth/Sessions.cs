using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Users;
using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Auth;

/// <summary>
/// Sessions: what register, login and refresh answer — an access token, a refresh token of a family, and
/// the user with their roles. The accounts themselves are the Users feature's (UserAccounts).
/// </summary>
public sealed class Sessions(AppDbContext db, UserAccounts accounts, TokenService tokens, RefreshTokenStore refreshTokens, AuditLog audit)
{
    /// <summary>A new account and its first session, in one transaction; null when the email is taken.</summary>
    public async Task<AuthResponse?> RegisterAsync(string email, string passwordHash, string displayName, CancellationToken ct)
    {
        var created = await accounts.CreateAsync(email, passwordHash, displayName, user =>
        {
            audit.Add(AuditActions.Register, user.Id, $"user:{user.Id}");
            return refreshTokens.Issue(user.Id);
        }, ct);
        if (created is not var (user, refresh))
        {
            return null;
        }
        string[] roles = [Role.UserRoleName];
        return new AuthResponse(tokens.CreateAccessToken(user, roles), refresh, UserResponse.From(user, roles));
    }

    /// <summary>A new access token and a new refresh-token family.</summary>
    public async Task<AuthResponse> SignInAsync(User user, CancellationToken ct)
    {
        var roles = await accounts.RolesOfAsync(user.Id, ct);
        var refresh = refreshTokens.Issue(user.Id);
        await db.SaveChangesAsync(ct);
        return new AuthResponse(tokens.CreateAccessToken(user, roles), refresh, UserResponse.From(user, roles));
    }

    /// <summary>The next token of a family (the used one is spent), or null when it is unknown, spent or its user is gone.</summary>
    public async Task<AuthResponse?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        if (await refreshTokens.RotateAsync(refreshToken, ct) is not var (userId, next))
        {
            return null;
        }
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }
        var roles = await accounts.RolesOfAsync(user.Id, ct);
        return new AuthResponse(tokens.CreateAccessToken(user, roles), next, UserResponse.From(user, roles));
    }
}
