using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Admin;

/// <summary>What a role change came to.</summary>
public enum RoleChangeOutcome
{
    /// <summary>The role was granted or revoked, the user's sessions ended, the audit row written.</summary>
    Changed,
    /// <summary>The user already had (or already lacked) the role: nothing to do, nothing audited.</summary>
    Unchanged,
    /// <summary>The caller was no longer an admin when the change came to be decided: nothing changed.</summary>
    CallerNotAdmin,
    /// <summary>The user was deleted meanwhile: nothing changed.</summary>
    UserGone,
}

/// <summary>
/// Grants and revokes a role in one transaction that first re-checks the caller is still an admin, holding the
/// caller's role lock shared and their admin row FOR SHARE until it commits: a revocation of the caller running at
/// the same moment either commits first (and this change is refused) or waits for this one. The admin policy's
/// check before the handler is not enough alone: a request already past it would otherwise commit after its
/// sender's revocation. The change, the end of the user's sessions and the audit row commit together or not at all.
/// </summary>
public sealed class RoleChanges(AppDbContext db, AuditLog audit, RefreshTokenStore refreshTokens)
{
    // The locks are taken in one order everywhere, so a deadlock needs a writer outside the API; a few attempts
    // settle it, each deciding afresh (the second of two admins revoking each other is then refused).
    private const int Attempts = 3;

    public Task<RoleChangeOutcome> GrantAsync(Guid caller, Guid userId, Guid roleId, string role, CancellationToken ct) =>
        // Idempotent, and safe when two admins grant the same role at once: the unique index decides.
        ChangeAsync(caller, userId, role, AuditActions.RoleGranted, () => db.Database.ExecuteAsync(AdminSql.GrantRole, ct,
            AdminSql.GrantRole.Argument(0, userId), AdminSql.GrantRole.Argument(1, roleId), AdminSql.GrantRole.Argument(2, caller)), ct);

    public Task<RoleChangeOutcome> RevokeAsync(Guid caller, Guid userId, Guid roleId, string role, CancellationToken ct) =>
        ChangeAsync(caller, userId, role, AuditActions.RoleRevoked, () =>
            db.UserRoles.Where(ur => ur.UserId == userId && ur.RoleId == roleId).ExecuteDeleteAsync(ct), ct);

    private async Task<RoleChangeOutcome> ChangeAsync(Guid caller, Guid userId, string role, string action, Func<Task<int>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChangeOnceAsync(caller, userId, role, action, change, ct);
            }
            catch (Exception ex) when (SqlState(ex) == PostgresErrorCodes.ForeignKeyViolation)
            {
                // The user was deleted since it was found (the caller's own row was checked under lock).
                return RoleChangeOutcome.UserGone;
            }
            catch (Exception ex) when (SqlState(ex) is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < Attempts)
            {
                // The failed attempt's audit row is still tracked; it must not be saved by the next one.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<RoleChangeOutcome> ChangeOnceAsync(Guid caller, Guid userId, string role, string action, Func<Task<int>> change, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RoleLocks.ForRoleChangeAsync(db, caller, userId, ct);
        if (!await LockCallersAdminRowAsync(caller, ct))
        {
            return RoleChangeOutcome.CallerNotAdmin;
        }
        if (await change() == 0)
        {
            return RoleChangeOutcome.Unchanged;
        }
        // Every refresh-token family of the user is revoked, so no session signed in with the old roles goes on.
        await refreshTokens.RevokeAllOfUserAsync(userId, ct);
        await audit.WriteAsync(action, caller, $"user:{userId}", new { role }, ct);
        await tx.CommitAsync(ct);
        return RoleChangeOutcome.Changed;
    }

    /// <summary>
    /// Whether <paramref name="caller"/> holds admin now, and if so their admin row locked FOR SHARE until the
    /// transaction ends: a DELETE of it, from whatever source, waits for this change to commit.
    /// </summary>
    private async Task<bool> LockCallersAdminRowAsync(Guid caller, CancellationToken ct) =>
        (await db.Database.Query<int>(AdminSql.CallersAdminRow,
            AdminSql.CallersAdminRow.Argument(0, caller), AdminSql.CallersAdminRow.Argument(1, Role.AdminRoleName)).ToListAsync(ct)).Count > 0;

    private static string? SqlState(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException)?.SqlState;
}
