using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Accounts;

/// <summary>
/// Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP): each use spends a token and
/// issues the next of its family; presenting a spent token again revokes the whole family. A revoked token
/// (logout, a role change, a family already revoked for reuse) is refused without more: its whole family is
/// revoked already, and presenting it is what a client that was signed out does, not a sign of theft.
/// </summary>
public sealed class RefreshTokenStore(AppDbContext db, IOptions<JwtOptions> options, TimeProvider time, AuditLog audit)
{
    /// <summary>Starts a new family (a login or a registration). The caller saves the changes.</summary>
    public string Issue(Guid userId, Guid? familyId = null)
    {
        var (token, hash) = TokenService.NewRefreshToken();
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = userId,
            FamilyId = familyId ?? Guid.CreateVersion7(),
            TokenHash = hash,
            ExpiresAt = time.GetUtcNow().Add(options.Value.RefreshTokenLifetime),
        });
        return token;
    }

    /// <summary>
    /// Spends <paramref name="token"/> and returns its user and a new token of the same family; null
    /// when the token is unknown, expired, spent (which revokes the family and is audited) or revoked. Runs in the
    /// caller's transaction, which the caller commits whatever this returns (a reuse's revocation is a write too),
    /// with the user's role lock (shared) and the family locked: rotations of one family run one after another,
    /// each sees what the one before committed, and a role change waits for the rotation or revokes its result.
    /// </summary>
    public async Task<(Guid UserId, string Token)?> RotateAsync(string token, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A rotation runs in its caller's transaction.");
        }
        var hash = TokenService.HashRefreshToken(token);
        if (await LockFamilyAsync(hash, ct) is null)
        {
            return null;
        }

        // Read again under the lock: a concurrent rotation may have spent it meanwhile.
        var stored = await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.TokenHash == hash, ct);
        var now = time.GetUtcNow();
        if (stored.UsedAt is not null)
        {
            // Reuse: someone else holds this family. Revoke every token of it, the newest included.
            await RevokeFamilyAsync(stored.FamilyId, ct);
            audit.Add(AuditActions.RefreshTokenReuse, stored.UserId, $"user:{stored.UserId}", new { family = stored.FamilyId });
            await db.SaveChangesAsync(ct);
            return null;
        }
        if (stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return null;
        }

        // Conditional all the same: under the lock it always spends, and if it ever did not, no new token is issued.
        if (await db.RefreshTokens.Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct) != 1)
        {
            return null;
        }
        var next = Issue(stored.UserId, stored.FamilyId);
        await db.SaveChangesAsync(ct);
        return (stored.UserId, next);
    }

    /// <summary>
    /// Logout: revokes the family of <paramref name="token"/>, if it is one of ours, holding the family's lock
    /// like a rotation does, so a rotation running at the same moment cannot issue a token that outlives it.
    /// </summary>
    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await LockFamilyAsync(TokenService.HashRefreshToken(token), ct) is { } familyId)
        {
            await RevokeFamilyAsync(familyId, ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// A role change: revokes every family of <paramref name="userId"/> in the caller's transaction, which holds
    /// the user's role lock exclusively (<see cref="RoleLocks"/>), so no sign-in or rotation of the user is between
    /// reading the roles and writing its token. Each family is locked as a rotation locks it, in one order, which
    /// also keeps a logout out of the way.
    /// </summary>
    public async Task RevokeAllOfUserAsync(Guid userId, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(LockSql.UserFamiliesLock, ct, LockSql.UserFamiliesLock.Argument(0, userId));
        var now = time.GetUtcNow();
        await db.RefreshTokens
            .Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }

    /// <summary>
    /// The family of the token with <paramref name="hash"/>, locked until the transaction ends; null when unknown.
    /// Its user's role lock is taken first (shared), as every transaction takes the role locks before the others.
    /// </summary>
    private async Task<Guid?> LockFamilyAsync(byte[] hash, CancellationToken ct)
    {
        var owner = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => new { t.UserId, t.FamilyId }).SingleOrDefaultAsync(ct);
        if (owner is null)
        {
            return null;
        }
        await RoleLocks.ShareAsync(db, owner.UserId, ct);
        // The key is built in SQL here and in RevokeAllOfUserAsync alike, so both lock the same family.
        await db.Database.ExecuteAsync(LockSql.FamilyLock, ct, LockSql.FamilyLock.Argument(0, owner.FamilyId));
        return owner.FamilyId;
    }

    private Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }
}
