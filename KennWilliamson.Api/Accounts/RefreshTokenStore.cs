using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Accounts;

/// <summary>
/// Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP): presenting a spent token revokes
/// its family; a revoked one is just refused, since a signed-out client does that too.
/// </summary>
public sealed class RefreshTokenStore(AppDbContext db, IOptions<JwtOptions> options, TimeProvider time, AuditLog audit)
{
    /// <summary>Starts a new family; the caller saves the changes.</summary>
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
    /// Spends <paramref name="token"/> and returns the next of its family, or null. Runs in the caller's transaction,
    /// which commits even on null (a reuse revokes), under the user's shared role lock and the family's lock.
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
            // Reuse: someone else holds this family, so revoke all of it.
            await RevokeFamilyAsync(stored.FamilyId, ct);
            audit.Add(AuditActions.RefreshTokenReuse, stored.UserId, $"user:{stored.UserId}", new { family = stored.FamilyId });
            await db.SaveChangesAsync(ct);
            return null;
        }
        if (stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return null;
        }

        if (await db.RefreshTokens.Where(t => t.Id == stored.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct) != 1)
        {
            return null;
        }
        var next = Issue(stored.UserId, stored.FamilyId);
        await db.SaveChangesAsync(ct);
        return (stored.UserId, next);
    }

    /// <summary>Holds the family's lock, so a concurrent rotation cannot issue a token that outlives the logout.</summary>
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
    /// Runs under the caller's exclusive role lock (<see cref="RoleLocks"/>); families are locked in one order,
    /// as a rotation locks them, so a concurrent logout cannot deadlock.
    /// </summary>
    public async Task RevokeAllOfUserAsync(Guid userId, CancellationToken ct)
    {
        await db.Database.ExecuteAsync(LockSql.UserFamiliesLock, ct, LockSql.UserFamiliesLock.Argument(0, userId));
        var now = time.GetUtcNow();
        await db.RefreshTokens
            .Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
    }

    /// <summary>Role lock (shared) first, as every transaction takes role locks before the others.</summary>
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
