using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Accounts;

public sealed class Sessions(AppDbContext db, UserAccounts accounts, TokenService tokens, RefreshTokenStore refreshTokens, AuditLog audit)
{
    private const string EmailIndex = "ux_users_email_lower";
    private const string SlugIndex = "ix_users_slug";
    private const int SlugAttempts = 20;

    /// <summary>Null when the email is taken; a slug a concurrent registration took moves on to the next suffix.</summary>
    public async Task<AuthResponse?> RegisterAsync(string email, string passwordHash, string displayName, CancellationToken ct)
    {
        var baseSlug = Slugs.FromDisplayName(displayName);
        var userRoleId = await db.Roles.Where(r => r.Name == Role.UserRoleName).Select(r => r.Id).SingleAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    // Registrations of one display name take turns, each seeing the slugs the others took; the retry
                    // below is for a slug taken under another name's lock (a "name-2" display name).
                    await db.Database.ExecuteAsync(AccountSql.SlugLock, ct, AccountSql.SlugLock.Argument(0, baseSlug));
                    var slug = await SlugQueries.FirstAvailableAsync(db, baseSlug, ct);
                    var user = new User { Email = email, PasswordHash = passwordHash, DisplayName = displayName, Slug = slug };
                    user.Roles.Add(new UserRole { RoleId = userRoleId });
                    db.Users.Add(user);
                    await db.SaveChangesAsync(ct);
                    audit.Add(AuditActions.Register, user.Id, $"user:{user.Id}");
                    var refresh = refreshTokens.Issue(user.Id);
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    string[] roles = [Role.UserRoleName];
                    return new AuthResponse(tokens.CreateAccessToken(user, roles), refresh, UserResponse.From(user, roles));
                });
            }
            catch (DbUpdateException ex) when (ViolatedIndex(ex) == EmailIndex)
            {
                return null;
            }
            catch (DbUpdateException ex) when (ViolatedIndex(ex) == SlugIndex && attempt < SlugAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Minted under the user's shared role lock, so no session comes from roles a change is replacing.</summary>
    public async Task<AuthResponse> SignInAsync(User user, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RoleLocks.ShareAsync(db, user.Id, ct);
        var roles = await accounts.RolesOfAsync(user.Id, ct);
        var refresh = refreshTokens.Issue(user.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new AuthResponse(tokens.CreateAccessToken(user, roles), refresh, UserResponse.From(user, roles));
    }

    public async Task<AuthResponse?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rotated = await refreshTokens.RotateAsync(refreshToken, ct);
        var user = rotated is var (userId, _)
            ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct)
            : null;
        var roles = user is null ? null : await accounts.RolesOfAsync(user.Id, ct);
        // Committed whatever came of it: a reuse's revocation and its audit row are writes too.
        await tx.CommitAsync(ct);
        return rotated is var (_, next) && user is not null && roles is not null
            ? new AuthResponse(tokens.CreateAccessToken(user, roles), next, UserResponse.From(user, roles))
            : null;
    }

    private static string? ViolatedIndex(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg ? pg.ConstraintName : null;
}
